// Matrix-vector path of the managed GEMM, for m == 1 (a decode step: one token through a linear layer).
// Packing B would triple the memory traffic of a product that is bound by reading B once, so B is streamed
// in place. With B not transposed each element gets exactly the packed path's arithmetic (a fused chain
// over depth in blocks of Blocking.Depth), so a row of a batched product equals the same row computed
// alone. With B transposed (y = x·Wᵀ, W stored [n, k]) each element is a vectorised dot product: the
// same on every run and thread count, but rounded differently from the packed path.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Unlearn.Numerics.Gemm.Managed;

internal sealed unsafe class Gemv
{
    // 512 columns keep the accumulator row (2 KiB) in L1 while 4 rows of B stream past it.
    private const int ColumnChunk = 512;

    // Rows of W per task for the transposed case: 32 rows of k = 2048 is 256 KiB, coarse enough.
    private const int RowChunk = 32;

    [ThreadStatic]
    private static Gemv? perThread;

    private readonly Action<int> worker;

    private bool transposeB;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float* x;
    private float* b;
    private int ldb;
    private float* c;
    private int chunkWidth;
    private int chunks;
    private int nextChunk;

    private Gemv()
    {
        worker = Worker;
    }

    public static Gemv ForCurrentThread() => perThread ??= new Gemv();

    /// <summary>c[0, 0..n) = alpha · op(A)[0, :] · op(B) + beta · c[0, 0..n).</summary>
    public void Multiply(
        bool transposeA, bool transposeB, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int threads)
    {
        float* row = a;
        if (transposeA && lda != 1)
        {
            // op(A) is a column of the stored matrix: gather it so the kernels read it contiguously.
            row = ThreadBuffers.PackedA.Get(k);
            for (int p = 0; p < k; p++)
            {
                row[p] = a[(long)p * lda];
            }
        }
        this.transposeB = transposeB;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.x = row;
        this.b = b;
        this.ldb = ldb;
        this.c = c;
        try
        {
            chunkWidth = transposeB ? RowChunk : ColumnChunk;
            chunks = (n + chunkWidth - 1) / chunkWidth;
            nextChunk = 0;
            Threading.Parallelism.RunParts(Math.Min(threads, chunks), worker);
        }
        finally
        {
            this.x = null;
            this.b = null;
            this.c = null;
        }
    }

    private void Worker(int part)
    {
        float* accumulators = transposeB ? null : ThreadBuffers.PackedB.Get(ColumnChunk);
        int chunk;
        while ((chunk = Interlocked.Increment(ref nextChunk) - 1) < chunks)
        {
            int column0 = chunk * chunkWidth;
            int width = Math.Min(chunkWidth, n - column0);
            if (transposeB)
            {
                DotRows(column0, width);
            }
            else
            {
                AccumulateRows(column0, width, accumulators);
            }
        }
    }

    /// <summary>c[j] for j in [column0, column0+width), B not transposed: fused chains down the rows of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateRows(int column0, int width, float* acc)
    {
        int lanes = Vector<float>.Count;
        for (int depth0 = 0; depth0 < k; depth0 += Blocking.Depth)
        {
            int depth = Math.Min(Blocking.Depth, k - depth0);
            new Span<float>(acc, width).Clear();
            int p = depth0;
            int depthEnd = depth0 + depth;
            for (; p + 4 <= depthEnd; p += 4)
            {
                float* b0 = b + (long)p * ldb + column0;
                float* b1 = b0 + ldb;
                float* b2 = b1 + ldb;
                float* b3 = b2 + ldb;
                float x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3];
                var v0 = new Vector<float>(x0);
                var v1 = new Vector<float>(x1);
                var v2 = new Vector<float>(x2);
                var v3 = new Vector<float>(x3);
                int j = 0;
                for (; j + lanes <= width; j += lanes)
                {
                    Vector<float> t = Vector.Load(acc + j);
                    t = Vector.FusedMultiplyAdd(v0, Vector.Load(b0 + j), t);
                    t = Vector.FusedMultiplyAdd(v1, Vector.Load(b1 + j), t);
                    t = Vector.FusedMultiplyAdd(v2, Vector.Load(b2 + j), t);
                    t = Vector.FusedMultiplyAdd(v3, Vector.Load(b3 + j), t);
                    Vector.Store(t, acc + j);
                }
                for (; j < width; j++)
                {
                    float t = acc[j];
                    t = MathF.FusedMultiplyAdd(x0, b0[j], t);
                    t = MathF.FusedMultiplyAdd(x1, b1[j], t);
                    t = MathF.FusedMultiplyAdd(x2, b2[j], t);
                    acc[j] = MathF.FusedMultiplyAdd(x3, b3[j], t);
                }
            }
            for (; p < depthEnd; p++)
            {
                float* b0 = b + (long)p * ldb + column0;
                float x0 = x[p];
                var v0 = new Vector<float>(x0);
                int j = 0;
                for (; j + lanes <= width; j += lanes)
                {
                    Vector.Store(Vector.FusedMultiplyAdd(v0, Vector.Load(b0 + j), Vector.Load(acc + j)), acc + j);
                }
                for (; j < width; j++)
                {
                    acc[j] = MathF.FusedMultiplyAdd(x0, b0[j], acc[j]);
                }
            }
            bool first = depth0 == 0;
            bool overwrite = first && beta == 0f;
            float stepBeta = first ? beta : 1f;
            float* target = c + column0;
            for (int j = 0; j < width; j++)
            {
                target[j] = ScalarMicroKernel.Update(acc[j], alpha, stepBeta, overwrite, target[j]);
            }
        }
    }

    /// <summary>c[j] for j in [row0, row0+count), B transposed: dot products of x with rows of the stored B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DotRows(int row0, int count)
    {
        int lanes = Vector<float>.Count;
        bool overwrite = beta == 0f;
        int j = row0;
        int end = row0 + count;
        for (; j + 4 <= end; j += 4)
        {
            float* r0 = b + (long)j * ldb;
            float* r1 = r0 + ldb;
            float* r2 = r1 + ldb;
            float* r3 = r2 + ldb;
            Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
            int p = 0;
            for (; p + lanes <= k; p += lanes)
            {
                Vector<float> xv = Vector.Load(x + p);
                a0 = Vector.FusedMultiplyAdd(xv, Vector.Load(r0 + p), a0);
                a1 = Vector.FusedMultiplyAdd(xv, Vector.Load(r1 + p), a1);
                a2 = Vector.FusedMultiplyAdd(xv, Vector.Load(r2 + p), a2);
                a3 = Vector.FusedMultiplyAdd(xv, Vector.Load(r3 + p), a3);
            }
            float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
            for (; p < k; p++)
            {
                s0 = MathF.FusedMultiplyAdd(x[p], r0[p], s0);
                s1 = MathF.FusedMultiplyAdd(x[p], r1[p], s1);
                s2 = MathF.FusedMultiplyAdd(x[p], r2[p], s2);
                s3 = MathF.FusedMultiplyAdd(x[p], r3[p], s3);
            }
            c[j] = ScalarMicroKernel.Update(s0, alpha, beta, overwrite, c[j]);
            c[j + 1] = ScalarMicroKernel.Update(s1, alpha, beta, overwrite, c[j + 1]);
            c[j + 2] = ScalarMicroKernel.Update(s2, alpha, beta, overwrite, c[j + 2]);
            c[j + 3] = ScalarMicroKernel.Update(s3, alpha, beta, overwrite, c[j + 3]);
        }
        for (; j < end; j++)
        {
            float* r0 = b + (long)j * ldb;
            Vector<float> a0 = Vector<float>.Zero;
            int p = 0;
            for (; p + lanes <= k; p += lanes)
            {
                a0 = Vector.FusedMultiplyAdd(Vector.Load(x + p), Vector.Load(r0 + p), a0);
            }
            float s0 = Vector.Sum(a0);
            for (; p < k; p++)
            {
                s0 = MathF.FusedMultiplyAdd(x[p], r0[p], s0);
            }
            c[j] = ScalarMicroKernel.Update(s0, alpha, beta, overwrite, c[j]);
        }
    }
}
