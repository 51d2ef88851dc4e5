// The blocked GEMM driver (BLIS-style loops) around one micro-kernel. Per slab of op(A) (all of it unless
// that exceeds Blocking.MaximumPackedA; then row ranges, and for very deep products depth ranges, taken
// depth-outermost): pack the slab once, shared by all threads; then threads take tasks (a column chunk × a
// row block of C) from a counter. A task packs its B chunk per depth block and sweeps the micro-kernel over
// it. Each C element is produced by one task with the same arithmetic wherever it lies, so the result does
// not depend on scheduling or on the thread count. Not for m == 1 or n == 1 (see Gemv), nor k == 0 or
// alpha == 0 (ManagedGemm scales C).
using System.Runtime.CompilerServices;

namespace Unlearn.Numerics.Gemm.Managed;

internal sealed unsafe class PackedGemm<TKernel>
    where TKernel : struct, IMicroKernel
{
    [ThreadStatic]
    private static PackedGemm<TKernel>? perThread;

    private readonly Action<int> packWorker;
    private readonly Action<int> computeWorker;

    private bool transposeA;
    private bool transposeB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float* a;
    private int lda;
    private float* b;
    private int ldb;
    private float* c;
    private int ldc;

    private int slabRow0;
    private int slabRows;
    private int slabPaddedRows;
    private int slabDepth0;
    private int slabDepthEnd;
    private float* packedA;
    private int packUnits;
    private int nextPackUnit;

    private int columnChunkWidth;
    private int columnChunks;
    private int rowBlockHeight;
    private int taskCount;
    private int nextTask;

    private PackedGemm()
    {
        packWorker = PackWorker;
        computeWorker = ComputeWorker;
    }

    /// <summary>The calling thread's instance; its fields hold one call's arguments while the call runs.</summary>
    public static PackedGemm<TKernel> ForCurrentThread() => perThread ??= new PackedGemm<TKernel>();

    public void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.lda = lda;
        this.b = b;
        this.ldb = ldb;
        this.c = c;
        this.ldc = ldc;
        try
        {
            PlanSlabs(out int slabHeight, out int slabDepth);
            // Depth slabs outermost: every element still meets its depth blocks in ascending order.
            for (int depth0 = 0; depth0 < k; depth0 += slabDepth)
            {
                for (int row0 = 0; row0 < m; row0 += slabHeight)
                {
                    RunSlab(row0, Math.Min(slabHeight, m - row0), depth0, Math.Min(k, depth0 + slabDepth), threads);
                }
            }
        }
        finally
        {
            this.a = null;
            this.b = null;
            this.c = null;
            packedA = null;
        }
    }

    // 4 panels = 24 rows of A per packing unit: large enough that the counter is not contended.
    private const int PanelsPerPackUnit = 4;

    private static int RowBlockRows() => Blocking.RowBlock / TKernel.Rows * TKernel.Rows;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static int DivideRoundingUp(int value, int divisor) => (value + divisor - 1) / divisor;

    /// <summary>Slab sizes keeping packed A within Blocking.MaximumPackedA: all of it, else fewer rows, else less depth.</summary>
    private void PlanSlabs(out int slabHeight, out int slabDepth)
    {
        slabHeight = m;
        slabDepth = k;
        if ((long)RoundUp(m, TKernel.Rows) * k <= Blocking.MaximumPackedA)
        {
            return;
        }
        int rowBlock = RowBlockRows();
        slabHeight = Math.Min(m, Math.Max(rowBlock, (int)(Blocking.MaximumPackedA / k) / rowBlock * rowBlock));
        if ((long)RoundUp(slabHeight, TKernel.Rows) * k > Blocking.MaximumPackedA)
        {
            // Even one row block is too deep: cut the depth too, in whole depth blocks.
            slabDepth = Math.Max(Blocking.Depth, (int)(Blocking.MaximumPackedA / RoundUp(slabHeight, TKernel.Rows)) / Blocking.Depth * Blocking.Depth);
        }
    }

    private void RunSlab(int row0, int rows, int depth0, int depthEnd, int threads)
    {
        int mr = TKernel.Rows;
        slabRow0 = row0;
        slabRows = rows;
        slabPaddedRows = RoundUp(rows, mr);
        slabDepth0 = depth0;
        slabDepthEnd = depthEnd;
        packedA = ThreadBuffers.PackedA.Get((long)slabPaddedRows * (depthEnd - depth0));

        // Packing is handed out in units from a counter, like the compute tasks, so a worker that wakes late
        // (other processes on the machine) never holds up the caller, which simply packs more units itself.
        packUnits = DivideRoundingUp(slabPaddedRows / mr, PanelsPerPackUnit);
        nextPackUnit = 0;
        Threading.Parallelism.RunParts(Math.Min(threads, packUnits), packWorker);

        PlanTasks(threads);
        nextTask = 0;
        Threading.Parallelism.RunParts(Math.Min(threads, taskCount), computeWorker);
    }

    private void PlanTasks(int threads)
    {
        int nr = TKernel.Columns;
        int mr = TKernel.Rows;
        int paddedColumns = RoundUp(n, nr);
        if (threads == 1)
        {
            columnChunkWidth = Math.Min(paddedColumns, Blocking.MaximumColumnChunk);
        }
        else
        {
            int wanted = RoundUp(DivideRoundingUp(n, threads * Blocking.TasksPerThread), nr);
            columnChunkWidth = Math.Clamp(wanted, Math.Min(Blocking.MinimumColumnChunk, paddedColumns), Blocking.MaximumColumnChunk);
        }
        columnChunks = DivideRoundingUp(n, columnChunkWidth);

        int rowBlocks = 1;
        if (threads > 1 && columnChunks < threads * Blocking.TasksPerThread)
        {
            // Too few column chunks to keep every thread busy: also split the rows, but only into tall blocks.
            int wantedRowBlocks = DivideRoundingUp(threads * Blocking.TasksPerThread, columnChunks);
            rowBlocks = Math.Max(1, Math.Min(wantedRowBlocks, slabRows / Blocking.MinimumRowBlock));
        }
        rowBlockHeight = RoundUp(DivideRoundingUp(slabRows, rowBlocks), mr);
        rowBlocks = DivideRoundingUp(slabRows, rowBlockHeight);
        taskCount = rowBlocks * columnChunks;
    }

    private void PackWorker(int part)
    {
        int mr = TKernel.Rows;
        int panels = slabPaddedRows / mr;
        int unit;
        while ((unit = Interlocked.Increment(ref nextPackUnit) - 1) < packUnits)
        {
            int first = unit * PanelsPerPackUnit;
            int last = Math.Min(panels, first + PanelsPerPackUnit);
            for (int depth0 = slabDepth0; depth0 < slabDepthEnd; depth0 += Blocking.Depth)
            {
                int depth = Math.Min(Blocking.Depth, slabDepthEnd - depth0);
                float* block = packedA + (long)(depth0 - slabDepth0) * slabPaddedRows;
                for (int panel = first; panel < last; panel++)
                {
                    int row = panel * mr;
                    Packing.PackA(
                        transposeA, a, lda, slabRow0 + row, Math.Min(mr, slabRows - row), depth0, depth, mr,
                        block + (long)row * depth);
                }
            }
        }
    }

    private void ComputeWorker(int part)
    {
        float* packedB = ThreadBuffers.PackedB.Get((long)Blocking.Depth * RoundUp(columnChunkWidth, TKernel.Columns));
        float* edge = stackalloc float[TKernel.Rows * TKernel.Columns];
        int task;
        while ((task = Interlocked.Increment(ref nextTask) - 1) < taskCount)
        {
            RunTask(task, packedB, edge);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunTask(int task, float* packedB, float* edge)
    {
        int mr = TKernel.Rows;
        int nr = TKernel.Columns;
        int rowBlockRows = RowBlockRows();
        int column0 = task % columnChunks * columnChunkWidth;
        int columnEnd = Math.Min(n, column0 + columnChunkWidth);
        int chunkPanels = DivideRoundingUp(columnEnd - column0, nr);
        int row0 = task / columnChunks * rowBlockHeight;
        int rowEnd = Math.Min(slabRows, row0 + rowBlockHeight);

        for (int depth0 = slabDepth0; depth0 < slabDepthEnd; depth0 += Blocking.Depth)
        {
            int depth = Math.Min(Blocking.Depth, slabDepthEnd - depth0);
            bool first = depth0 == 0;
            bool overwrite = first && beta == 0f;
            float stepBeta = first ? beta : 1f;

            Packing.PackBPanels(transposeB, b, ldb, column0, columnEnd - column0, depth0, depth, nr, packedB);

            float* aBlock = packedA + (long)(depth0 - slabDepth0) * slabPaddedRows;
            for (int blockRow = row0; blockRow < rowEnd; blockRow += rowBlockRows)
            {
                int blockEnd = Math.Min(rowEnd, blockRow + rowBlockRows);
                for (int panel = 0; panel < chunkPanels; panel++)
                {
                    int column = column0 + panel * nr;
                    int columns = Math.Min(nr, columnEnd - column);
                    float* bPanel = packedB + (long)panel * nr * depth;
                    for (int row = blockRow; row < blockEnd; row += mr)
                    {
                        int rows = Math.Min(mr, blockEnd - row);
                        float* aPanel = aBlock + (long)row * depth;
                        float* tile = c + (long)(slabRow0 + row) * ldc + column;
                        if (rows == mr && columns == nr)
                        {
                            TKernel.Run(aPanel, bPanel, depth, alpha, stepBeta, overwrite, tile, ldc);
                        }
                        else
                        {
                            // Edge tile: the same kernel writes raw sums (alpha 1 is exact) to a scratch tile,
                            // then the scalar form of the kernel's update stores the valid part.
                            TKernel.Run(aPanel, bPanel, depth, 1f, 0f, true, edge, nr);
                            for (int r = 0; r < rows; r++)
                            {
                                for (int j = 0; j < columns; j++)
                                {
                                    ref float target = ref tile[(long)r * ldc + j];
                                    target = ScalarMicroKernel.Update(edge[r * nr + j], alpha, stepBeta, overwrite, target);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
