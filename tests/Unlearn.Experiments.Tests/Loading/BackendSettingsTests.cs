// settings.backend / settings.device / settings.dtype (issue 15 phase 2): validated before any stage runs, with the
// error on the field that is wrong; a torch backend's runtime Description enters the keys of stages that run the model,
// while a managed experiment's keys are those it had before the backend was a setting.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class BackendSettingsTests : LoaderTestBase
{
    [Theory]
    [InlineData("backend: managed\n  device: cuda", "settings.device", "managed engine runs on the CPU only")]
    [InlineData("backend: torch\n  device: gpu", "settings.device", "use cpu, cuda or cuda:N")]
    [InlineData("backend: torch\n  device: cuda:x", "settings.device", "use cpu, cuda or cuda:N")]
    [InlineData("backend: torch\n  dtype: float16", "settings.dtype", "float32 or bfloat16")]
    public void Load_BackendSettingsThatCannotRun_FailOnTheFieldSayingWhatToUse(string settings, string field, string hint)
    {
        var error = Single(Errors(TestRepository.Yaml(extra: "settings:\n  " + settings)), DiagnosticCodes.InvalidCombination);

        Assert.Equal(field, error.FieldPath);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TorchOnACudaDevice_IsAcceptedUntilLibTorchStarts()
    {
        var loaded = Load(TestRepository.Yaml(extra: "settings:\n  backend: torch\n  device: cuda:1\n  dtype: bfloat16"));

        Assert.Equal(ModelBackend.Torch, loaded.Config.Settings.Backend);
        Assert.Equal("cuda:1", loaded.Config.Settings.Device);
    }

    [Fact]
    public void KeyOf_ManagedBackend_HasNoRuntimeEntryAndEqualsTheDefault()
    {
        var explicitManaged = KeyDocument(TestRepository.Yaml(extra: "settings:\n  backend: managed"), threads: 1);
        var implicitManaged = KeyDocument(TestRepository.Yaml(), threads: 1);

        Assert.Null(explicitManaged["settings"]!["runtime"]);
        Assert.Equal(implicitManaged.ToJsonString(), explicitManaged.ToJsonString());
    }

    [Fact]
    public void KeyOf_TorchBackend_RecordsDevicePrecisionAndThreads()
    {
        var one = KeyDocument(TestRepository.Yaml(extra: "settings:\n  backend: torch"), threads: 1);
        var two = KeyDocument(TestRepository.Yaml(extra: "settings:\n  backend: torch"), threads: 2);
        var bf16 = KeyDocument(TestRepository.Yaml(extra: "settings:\n  backend: torch\n  device: cuda\n  dtype: bfloat16"), threads: 2,
            new NumericsEnvironment("managed", 2, "bfloat16", "torch", "cuda"));

        Assert.Equal("torch/cpu/float32/threads=1", one["settings"]!["runtime"]!.GetValue<string>());
        Assert.Equal("torch/cpu/float32/threads=2", two["settings"]!["runtime"]!.GetValue<string>());
        Assert.Equal("torch/cuda/bfloat16", bf16["settings"]!["runtime"]!.GetValue<string>());
    }

    [Fact]
    public void Resolve_ACudaDeviceOnThisCpuOnlyBuild_FailsBeforeAnyStageNamingThePackageSwitch()
    {
        var settings = new SettingsConfig { Backend = ModelBackend.Torch, Device = "cuda:0" };

        var error = Assert.Throws<Backends.Torch.TorchBackendException>(() => NumericsEnvironment.Resolve(settings, gemmVariable: null));

        Assert.Contains("settings.device 'cuda:0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("-p:TorchPackage=TorchSharp-cuda-linux", error.Message, StringComparison.Ordinal);
    }

    // The key document of CacheActivations (a stage that runs the model) with the experiment's own settings resolved
    // (or the numerics given: a CUDA device cannot be resolved on this CPU-only build).
    private System.Text.Json.Nodes.JsonObject KeyDocument(string yaml, int threads, NumericsEnvironment? given = null)
    {
        Repository.WriteExperiment(yaml);
        var config = Load(yaml).Config;
        var numerics = given ?? NumericsEnvironment.Resolve(config.Settings, gemmVariable: null) with { Threads = threads };
        return ExperimentGraph.Open(new GraphOptions { Experiment = "exp", RepositoryRoot = Repository.Root, Numerics = numerics }).KeyDocumentOf("CacheActivations");
    }
}
