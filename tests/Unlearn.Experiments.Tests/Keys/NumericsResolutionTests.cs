// Which GEMM provider a key records (issue 11 §1): the managed kernel unless the experiment or UNLEARN_GEMM asks for
// another, so that installing OpenBLAS (CI does) changes no key and reruns nothing.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.Numerics.Gemm;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Keys;

public sealed class NumericsResolutionTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    [Fact]
    public void Resolve_AutoWithoutTheVariable_IsManagedWhetherOrNotOpenBlasIsInstalled()
    {
        // Resolution never probes the library, so the answer is the same on a machine with OpenBLAS (CI) and without.
        var numerics = NumericsEnvironment.Resolve(new SettingsConfig(), gemmVariable: null);

        Assert.Equal("managed", numerics.Gemm);
        Assert.Equal("managed", NumericsEnvironment.Resolve(new SettingsConfig(), gemmVariable: " ").Gemm);
    }

    [Fact]
    public void Resolve_VariableOrExperimentAskingForAProvider_GetsIt()
    {
        Assert.Equal("reference", NumericsEnvironment.Resolve(new SettingsConfig(), "Reference").Gemm);
        Assert.Equal("reference", NumericsEnvironment.Resolve(new SettingsConfig { Gemm = GemmProvider.Reference }, "managed").Gemm);
    }

    [Fact]
    public void Resolve_VariableNamingNoProvider_FailsNamingTheVariable()
    {
        var error = Assert.Throws<GemmConfigurationException>(() => NumericsEnvironment.Resolve(new SettingsConfig(), "fast"));

        Assert.Contains("UNLEARN_GEMM='fast'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOf_DefaultSettings_EqualsTheKeyOfAnExplicitlyManagedBuild()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var resolved = NumericsEnvironment.Resolve(new SettingsConfig(), gemmVariable: null);
        string Key(NumericsEnvironment numerics) => ExperimentGraph.Open(new GraphOptions
        {
            Experiment = "exp",
            RepositoryRoot = repository.Root,
            Numerics = numerics,
        }).KeyOf("CacheActivations");

        Assert.Equal(Key(resolved with { Threads = 1 }), Key(new NumericsEnvironment("managed", 1, "float32")));
        Assert.NotEqual(Key(new NumericsEnvironment("openblas", 1, "float32")), Key(resolved with { Threads = 1 }));
    }
}
