// Tests that change process-wide state (Parallelism.ThreadCount, Gemm.Current) run in this collection,
// one at a time and never beside other collections.
namespace Unlearn.Numerics.Tests.Threading;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalThreadingCollection
{
    public const string Name = "Global threading state";
}
