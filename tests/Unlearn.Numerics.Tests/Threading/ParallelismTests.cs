// Parallelism: coverage and partitioning of For/ForRange, exceptions, nesting, concurrent callers and the
// UNLEARN_THREADS parser.
using System.Collections.Concurrent;
using Unlearn.Numerics.Threading;

namespace Unlearn.Numerics.Tests.Threading;

[Collection(GlobalThreadingCollection.Name)]
public sealed class ParallelismTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 7)]
    [InlineData(4, 1000)]
    public void For_AnyThreadCount_RunsEveryIndexExactlyOnce(int threads, int count)
    {
        WithThreads(threads, () =>
        {
            int[] hits = new int[count];
            Parallelism.For(count, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        });
    }

    [Fact]
    public void ForRange_ThreeThreads_SplitsIntoFixedContiguousRanges()
    {
        WithThreads(3, () =>
        {
            var ranges = new ConcurrentBag<(int Start, int End)>();
            Parallelism.ForRange(10, (start, end) => ranges.Add((start, end)));
            Assert.Equal(new[] { (0, 3), (3, 6), (6, 10) }, ranges.OrderBy(r => r.Start).ToArray());
        });
    }

    [Fact]
    public void For_BodyThrows_RethrowsAfterEveryRangeFinished()
    {
        WithThreads(2, () =>
        {
            int finished = 0;
            var exception = Assert.Throws<InvalidOperationException>(() => Parallelism.For(2, i =>
            {
                if (i == 0)
                {
                    throw new InvalidOperationException("part 0 failed");
                }
                Thread.Sleep(50);
                Interlocked.Increment(ref finished);
            }));
            Assert.Equal("part 0 failed", exception.Message);
            Assert.Equal(1, Volatile.Read(ref finished));
        });
    }

    [Fact]
    public void For_CalledFromInsideBody_RunsInlineWithoutDeadlock()
    {
        WithThreads(2, () =>
        {
            int[] hits = new int[4 * 5];
            Parallelism.For(4, outer => Parallelism.For(5, inner => Interlocked.Increment(ref hits[outer * 5 + inner])));
            Assert.All(hits, h => Assert.Equal(1, h));
        });
    }

    [Fact]
    public void For_FromTwoThreadsAtOnce_BothComplete()
    {
        WithThreads(2, () =>
        {
            long[] sums = new long[2];
            Parallel.For(0, 2, caller =>
            {
                for (int repeat = 0; repeat < 200; repeat++)
                {
                    Parallelism.For(64, i => Interlocked.Add(ref sums[caller], i));
                }
            });
            Assert.Equal(new[] { 200L * 2016, 200L * 2016 }, sums);
        });
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 16 ", 16)]
    public void ReadDefaultThreadCount_PositiveInteger_ReturnsIt(string variable, int expected)
        => Assert.Equal(expected, Parallelism.ReadDefaultThreadCount(variable));

    [Fact]
    public void ReadDefaultThreadCount_Unset_ReturnsProcessorCount()
        => Assert.Equal(Environment.ProcessorCount, Parallelism.ReadDefaultThreadCount(null));

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("two")]
    [InlineData("99999")]
    public void ReadDefaultThreadCount_Invalid_ThrowsNamingVariable(string variable)
    {
        var exception = Assert.Throws<ParallelismConfigurationException>(() => Parallelism.ReadDefaultThreadCount(variable));
        Assert.Contains($"UNLEARN_THREADS='{variable}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreadCount_SetToZero_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.ThreadCount = 0);

    private static void WithThreads(int threads, Action action)
    {
        int original = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = threads;
            action();
        }
        finally
        {
            Parallelism.ThreadCount = original;
        }
    }
}
