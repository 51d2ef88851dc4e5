// Presents native memory (a mapped safetensors tensor, a native weight matrix) as Memory<T>, which torch.tensor reads
// (and copies: TorchSharp 0.107 has no public way to make a tensor borrow foreign memory). The memory must stay valid
// for the duration of that call only.
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
