// Vector-matrix path of the managed GEMM, for m == 1 (a decode step: one token through a linear layer) and
// n == 1 (a matrix times one vector): y[j] = alpha·Σ_p x[p]·M(p, j) + beta·y[j], y strided.
// Packing would triple the memory traffic of a product that is bound by reading the matrix once, so the
// matrix is streamed in place, in one of two layouts:
//  - depth-major, M(p, j) = matrix[p·ldm + j] (m == 1 with B not transposed, n == 1 with A stored transposed):
//    fused chains down the rows, in blocks of Blocking.Depth, which is exactly the packed path's arithmetic,
//    so a row of a batched product equals the same row computed alone;
//  - output-major, M(p, j) = matrix[j·ldm + p] (y = x·Wᵀ with W stored [n, k], or A·x with A not transposed):
//    vectorised dot products, the same on every run and thread count but rounded differently from the
//    packed path.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Unlearn.Numerics.Gemm.Managed;

internal sealed unsafe class Gemv
{
    // 2048 columns keep the accumulator row (8 KiB) in L1 while 4 rows of B stream past it, and read 8 KiB
    // runs of each row: with 512 the short runs (32 KiB apart) defeated prefetch and TLB, at ~70 % of the speed.
    private const int ColumnChunk = 2048;

    // Rows of W per task for the transposed case: 32 rows of k = 2048 is 256 KiB, coarse enough.
    private const int RowChunk = 32;

    [ThreadStatic]
    private static Gemv? perThread;

    private readonly Action<int> worker;

    private bool depthMajor;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float* x;
    private float* b;
    private int ldb;
    private float* c;
    private int ldc;
    private int chunkWidth;
    private int chunks;
    private int nextChunk;

    private Gemv()
    {
        worker = Worker;
    }

    public static Gemv ForCurrentThread() => perThread ??= new Gemv();

    /// <summary>
    /// y[j·ldy] = alpha·Σ_p x[p]·M(p, j) + beta·y[j·ldy] for j in [0, outputs), with M(p, j) = matrix[p·ldm + j] when
    /// <paramref name="depthMajor"/>, else matrix[j·ldm + p].
    /// </summary>
    public void Multiply(
        bool depthMajor, int outputs, int depth, float alpha,
        float* x,       // [depth], contiguous
        float* matrix,  // [depth, ldm] when depthMajor, else [outputs, ldm]
        int ldm, float beta,
        float* y,       // [outputs] with stride ldy
        int ldy, int threads)
    {
        this.depthMajor = depthMajor;
        n = outputs;
        k = depth;
        this.alpha = alpha;
        this.beta = beta;
        this.x = x;
        b = matrix;
        ldb = ldm;
        c = y;
        ldc = ldy;
        try
        {
            chunkWidth = depthMajor ? ColumnChunk : RowChunk;
            chunks = (n + chunkWidth - 1) / chunkWidth;
            nextChunk = 0;
            Threading.Parallelism.RunParts(Math.Min(threads, chunks), worker);
        }
        finally
        {
            this.x = null;
            b = null;
            c = null;
        }
    }

    private void Worker(int part)
    {
        float* accumulators = depthMajor ? ThreadBuffers.PackedB.Get(ColumnChunk) : null;
        int chunk;
        while ((chunk = Interlocked.Increment(ref nextChunk) - 1) < chunks)
        {
            int column0 = chunk * chunkWidth;
            int width = Math.Min(chunkWidth, n - column0);
            if (depthMajor)
            {
                AccumulateRows(column0, width, accumulators);
            }
            else
            {
                DotRows(column0, width);
            }
        }
    }

    /// <summary>y[j] for j in [column0, column0+width), depth-major matrix: fused chains down its rows.</summary>
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
            float* target = c + (long)column0 * ldc;
            for (int j = 0; j < width; j++)
            {
                ref float element = ref target[(long)j * ldc];
                element = ScalarMicroKernel.Update(acc[j], alpha, stepBeta, overwrite, element);
            }
        }
    }

    /// <summary>y[j] for j in [row0, row0+count), output-major matrix: dot products of x with its rows.</summary>
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
            float* y = c + (long)j * ldc;
            y[0] = ScalarMicroKernel.Update(s0, alpha, beta, overwrite, y[0]);
            y[ldc] = ScalarMicroKernel.Update(s1, alpha, beta, overwrite, y[ldc]);
            y[2L * ldc] = ScalarMicroKernel.Update(s2, alpha, beta, overwrite, y[2L * ldc]);
            y[3L * ldc] = ScalarMicroKernel.Update(s3, alpha, beta, overwrite, y[3L * ldc]);
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
            ref float element = ref c[(long)j * ldc];
            element = ScalarMicroKernel.Update(s0, alpha, beta, overwrite, element);
        }
    }
}
