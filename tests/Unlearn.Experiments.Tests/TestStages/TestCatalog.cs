// The catalog of test stages, and the fixed numeric settings the framework tests use (so keys do not
// depend on whether the test machine has OpenBLAS).
using Unlearn.Experiments.Graph;

namespace Unlearn.TestStages;

public static class TestCatalog
{
    public static NumericsEnvironment Numerics { get; } = new("managed", 1, "float32");

    /// <summary>For builds with the product's stages: the same fixed provider (keys must not follow whatever another
    /// test running in parallel left in the process-wide GEMM setting), all cores (results do not depend on them).</summary>
    public static NumericsEnvironment RealNumerics { get; } = new("managed", Environment.ProcessorCount, "float32");

    public static StageCatalog Create() =>
        new([new TestBuildExamples(), new TestCacheActivations(), new TestSaliency(), new TestPruneVocab()]);
}
