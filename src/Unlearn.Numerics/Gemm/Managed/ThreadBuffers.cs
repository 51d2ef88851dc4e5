// Per-thread packing buffers of the managed GEMM: the calling thread's copy of packed A and every
// participating thread's packed B chunk. Held for the thread's lifetime so steady-state calls do not allocate.
namespace Unlearn.Numerics.Gemm.Managed;

internal static class ThreadBuffers
{
    [ThreadStatic]
    private static PackingBuffer? packedA;

    [ThreadStatic]
    private static PackingBuffer? packedB;

    public static PackingBuffer PackedA => packedA ??= new PackingBuffer();

    public static PackingBuffer PackedB => packedB ??= new PackingBuffer();
}
