// Bit-identity claims of the managed GEMM: the same call twice, any thread count, any micro-kernel,
// concurrent callers, and a row of a batched product versus the same row alone (B not transposed); also
// the steady state allocating nothing. Runs in the collection that owns Parallelism.ThreadCount because it
// changes it (and a pool replaced mid-test would allocate).
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Tests.Threading;
using Unlearn.Numerics.Threading;

namespace Unlearn.Numerics.Tests.Gemm;

[Collection(GlobalThreadingCollection.Name)]
public sealed class ManagedGemmDeterminismTests
{
    // Above the parallel threshold: 150×300×600 spans 3 depth blocks and several column chunks; 500×40×300 has
    // one column chunk and is split into row blocks; the last two take the vector paths (m = 1, n = 1).
    private static readonly GemmCase[] ParallelCases =
    [
        new(false, true, 500, 40, 300, 1f, 0.5f, Seed: 30),
        new(false, false, 150, 300, 600, 1f, 0.5f, Seed: 31),
        new(false, true, 150, 300, 600, 1f, 0f, Seed: 32),
        new(true, true, 97, 333, 513, -1f, 1f, LdcPadding: 3, Seed: 33),
        new(false, true, 1, 4000, 700, 1f, 0f, Seed: 34),
        new(true, false, 4000, 1, 700, 1f, 0.5f, LdcPadding: 1, Seed: 35),
    ];

    [Fact]
    public void Multiply_SameInputsTwice_GivesBitIdenticalResult()
    {
        foreach (var gemmCase in ParallelCases)
        {
            float[] first = GemmOracle.Run(ManagedGemm.Instance, gemmCase, out _, out _, out _);
            float[] second = GemmOracle.Run(ManagedGemm.Instance, gemmCase, out _, out _, out _);
            AssertBitIdentical(first, second, $"{gemmCase}, second call");
        }
    }

    [Fact]
    public void Multiply_DifferentThreadCounts_GiveBitIdenticalResult()
    {
        int original = Parallelism.ThreadCount;
        try
        {
            foreach (var gemmCase in ParallelCases)
            {
                Parallelism.ThreadCount = 1;
                float[] serial = GemmOracle.Run(ManagedGemm.Instance, gemmCase, out _, out _, out _);
                foreach (int threads in new[] { 2, 3, 8 })
                {
                    Parallelism.ThreadCount = threads;
                    float[] parallel = GemmOracle.Run(ManagedGemm.Instance, gemmCase, out _, out _, out _);
                    AssertBitIdentical(serial, parallel, $"{gemmCase}, {threads} threads vs 1");
                }
            }
        }
        finally
        {
            Parallelism.ThreadCount = original;
        }
    }

    [Fact]
    public void Multiply_EveryMicroKernel_GivesBitIdenticalResult()
    {
        // Kept small: the Vector512 kernel is emulated in software on machines without AVX-512.
        GemmCase[] cases =
        [
            new(false, false, 40, 70, 600, 1f, 0.5f, Seed: 41),
            new(true, true, 13, 45, 300, -2f, 0f, LdaPadding: 1, Seed: 42),
            new(false, true, 7, 33, 17, 1f, 1f, Seed: 43),
        ];
        var scalar = new ManagedGemm(ManagedGemmKernel.Scalar);
        foreach (var gemmCase in cases)
        {
            float[] expected = GemmOracle.Run(scalar, gemmCase, out _, out _, out _);
            foreach (var kernel in new[] { ManagedGemmKernel.Vector128, ManagedGemmKernel.Vector256, ManagedGemmKernel.Vector512 })
            {
                float[] actual = GemmOracle.Run(new ManagedGemm(kernel), gemmCase, out _, out _, out _);
                AssertBitIdentical(expected, actual, $"{gemmCase}, {kernel} vs scalar");
            }
        }
    }

    [Fact]
    public void Multiply_FromSeveralThreadsAtOnce_GivesSerialResult()
    {
        // Each calling thread has its own packing state; concurrent callers share only the worker pool.
        GemmCase[] cases = [ParallelCases[0], ParallelCases[1], ParallelCases[3], ParallelCases[4]];
        float[][] serial = cases.Select(c => GemmOracle.Run(ManagedGemm.Instance, c, out _, out _, out _)).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, caller =>
        {
            var gemmCase = cases[caller % cases.Length];
            for (int repeat = 0; repeat < 3; repeat++)
            {
                float[] result = GemmOracle.Run(ManagedGemm.Instance, gemmCase, out _, out _, out _);
                if (!result.AsSpan().SequenceEqual(serial[caller % cases.Length]))
                {
                    failures.Add($"caller {caller}, repeat {repeat}, {gemmCase}");
                }
            }
        });
        Assert.True(failures.IsEmpty, "Results differ from the serial run: " + string.Join("; ", failures));
    }

    [Fact]
    public unsafe void Multiply_AfterWarmUp_AllocatesNothingOnCallingThread()
    {
        foreach (var gemmCase in new[] { ParallelCases[1], ParallelCases[3], ParallelCases[4] })
        {
            float[] a = GemmOracle.RandomMatrix(gemmCase.ALength, 1);
            float[] b = GemmOracle.RandomMatrix(gemmCase.BLength, 2);
            float[] c = new float[gemmCase.CLength];
            fixed (float* pa = a, pb = b, pc = c)
            {
                // The first call grows this thread's packing buffers and starts the worker pool.
                ManagedGemm.Instance.Multiply(gemmCase.TransposeA, gemmCase.TransposeB, gemmCase.M, gemmCase.N, gemmCase.K, 1f, pa, gemmCase.Lda, pb, gemmCase.Ldb, 0f, pc, gemmCase.Ldc);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int repeat = 0; repeat < 5; repeat++)
                {
                    ManagedGemm.Instance.Multiply(gemmCase.TransposeA, gemmCase.TransposeB, gemmCase.M, gemmCase.N, gemmCase.K, 1f, pa, gemmCase.Lda, pb, gemmCase.Ldb, 0f, pc, gemmCase.Ldc);
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated == 0, $"{gemmCase}: 5 calls allocated {allocated} bytes on the calling thread.");
            }
        }
    }

    [Theory]
    [InlineData(37, 75, 600)]
    [InlineData(150, 9, 30000)] // packed A is cut into row and depth slabs
    public unsafe void Multiply_RowOfBatchWithUntransposedB_EqualsRowComputedAlone(int rows, int n, int k)
    {
        float[] a = GemmOracle.RandomMatrix(rows * k, 51);
        float[] b = GemmOracle.RandomMatrix(k * n, 52);
        float[] batched = new float[rows * n];
        float[] single = new float[n];
        fixed (float* pa = a, pb = b, pc = batched, ps = single)
        {
            ManagedGemm.Instance.Multiply(false, false, rows, n, k, 1f, pa, k, pb, n, 0f, pc, n);
            foreach (int row in new[] { 0, 5, rows - 1 })
            {
                ManagedGemm.Instance.Multiply(false, false, 1, n, k, 1f, pa + (long)row * k, k, pb, n, 0f, ps, n);
                AssertBitIdentical(batched.AsSpan(row * n, n).ToArray(), single, $"row {row} of {rows}×{n}×{k}");
            }
        }
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int differing = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                differing++;
                maxDiff = Math.Max(maxDiff, Math.Abs((double)expected[i] - actual[i]));
            }
        }
        Assert.True(differing == 0, $"{what}: {differing} of {expected.Length} elements differ, max-abs-diff {maxDiff:E3}.");
    }
}
