// Cache-blocking sizes of the managed GEMM. The values were tuned on a 2-core AMD EPYC (Zen 3: 32 KiB L1d,
// 512 KiB L2 per core, 32 MiB L3) with the 6×16 AVX2 kernel; see tests/Unlearn.Benchmarks/GemmComparison.cs.
namespace Unlearn.Numerics.Gemm.Managed;

internal static class Blocking
{
    /// <summary>
    /// KC: depth of one packed block. The same for every kernel, so every kernel, ISA and thread count
    /// accumulates each element in the same order. A 6×16 tile's B panel is KC·16·4 B = 16 KiB (half of L1d).
    /// </summary>
    public const int Depth = 256;

    /// <summary>MC: rows of packed A reused from L2 across one column chunk (144·256·4 B = 144 KiB).</summary>
    public const int RowBlock = 144;

    /// <summary>NC upper bound: widest column chunk one task packs (KC·NC·4 B = 2 MiB of B, in L2/L3).</summary>
    public const int MaximumColumnChunk = 2048;

    /// <summary>
    /// Narrowest column chunk when splitting work among threads. Narrow chunks cost little: packed A is shared,
    /// and streaming it once per chunk is 1 float per 2·width flops.
    /// </summary>
    public const int MinimumColumnChunk = 64;

    /// <summary>
    /// Shortest row block when rows are split too. Every row block packs its own copy of the B chunk, about
    /// 16/height of the compute time at 1 float packed per cycle against 32 flops per cycle, so blocks stay tall.
    /// </summary>
    public const int MinimumRowBlock = 240;

    /// <summary>Tasks per thread: more than one so a thread slowed by other load does not hold up the rest.</summary>
    public const int TasksPerThread = 4;

    /// <summary>Largest packed copy of A kept at once (16 MiB); taller A is processed in row slabs.</summary>
    public const long MaximumPackedA = 4L << 20;

    /// <summary>Below this many flops a call runs on the calling thread: waking workers costs more.</summary>
    public const long ParallelFlops = 4L << 20;
}
