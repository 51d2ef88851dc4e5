// Lets LibTorch read memory it does not own — a memory-mapped safetensors tensor, a native weight matrix — without a
// copy: torch.tensor(Memory<T>) pins the Memory and wraps its address, so the tensor aliases the mapping. The owner of
// the memory must outlive every tensor made from it (TorchWeights disposes its tensors before the checkpoint).
using System.Buffers;

namespace Unlearn.Backends.Torch;

internal sealed unsafe class NativeMemoryManager<T>(T* pointer, int length) : MemoryManager<T>
    where T : unmanaged
{
    public override Span<T> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
