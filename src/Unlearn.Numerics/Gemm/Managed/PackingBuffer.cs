// A growable, pinned, 64-byte-aligned float buffer for packed panels. One per thread (see ManagedGemm),
// so the hot path never allocates once a thread has seen its largest problem.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unlearn.Numerics.Gemm.Managed;

internal sealed unsafe class PackingBuffer
{
    private const int AlignmentFloats = 16; // 64 bytes: one cache line, one zmm register

    private float[]? storage;
    private float* aligned;
    private long capacity;

    /// <summary>Returns an aligned pointer to at least <paramref name="floats"/> floats (contents undefined).</summary>
    public float* Get(long floats)
    {
        if (floats > capacity)
        {
            // Grow by 1.5× so a slowly increasing size does not reallocate every call.
            long size = Math.Max(floats, capacity + capacity / 2);
            if (size + AlignmentFloats > Array.MaxLength)
            {
                throw new InsufficientMemoryException(
                    $"GEMM packing buffer of {size} floats exceeds the largest array .NET can allocate.");
            }
            storage = GC.AllocateUninitializedArray<float>((int)size + AlignmentFloats, pinned: true);
            // The array lives on the pinned object heap, so its address is stable.
            float* start = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(storage));
            aligned = (float*)(((nint)start + 63) & ~(nint)63);
            capacity = size;
        }
        return aligned;
    }
}
