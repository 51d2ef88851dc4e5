using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Loading;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public abstract class LoaderTestBase : IDisposable
{
    protected TestRepository Repository { get; } = new();

    public void Dispose() => Repository.Dispose();

    protected LoadedExperiment Load(string yaml, LoadOptions? options = null)
    {
        var path = Repository.WriteExperiment(yaml);
        return ExperimentLoader.Load(path, (options ?? new LoadOptions()) with { RepositoryRoot = Repository.Root });
    }

    protected IReadOnlyList<Diagnostic> Errors(string yaml, LoadOptions? options = null)
    {
        var exception = Assert.Throws<ExperimentException>(() => Load(yaml, options));
        return exception.Errors.ToArray();
    }

    protected static Diagnostic Single(IReadOnlyList<Diagnostic> errors, string code)
    {
        var matching = errors.Where(e => e.Code == code).ToArray();
        Assert.True(matching.Length == 1, $"expected one {code}, got:\n{string.Join("\n", errors)}");
        return matching[0];
    }
}
