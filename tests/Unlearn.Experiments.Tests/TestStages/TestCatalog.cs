// The catalog of test stages, and the fixed numeric settings the framework tests use (so keys do not
// depend on whether the test machine has OpenBLAS).
using Unlearn.Experiments.Graph;

namespace Unlearn.TestStages;

public static class TestCatalog
{
    public static NumericsEnvironment Numerics { get; } = new("managed", 1, "float32");

    public static StageCatalog Create() =>
        new([new TestBuildExamples(), new TestCacheActivations(), new TestSaliency(), new TestPruneVocab()]);
}
