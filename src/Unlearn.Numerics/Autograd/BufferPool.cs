// Recycles the float arrays of a tape's activations, gradients and saved tensors: a training step asks for the same
// sizes every time, so after the first step nothing large is allocated (no large-object-heap churn, no zeroing of fresh
// pages). Arrays are kept by exact length. Not thread-safe: one tape, one thread recording.
namespace Unlearn.Numerics.Autograd;

internal sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = [];

    /// <summary>Floats currently held for reuse.</summary>
    public long FreeFloats { get; private set; }

    public float[] Rent(int length, bool clear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return [];
        }
        if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            var buffer = stack.Pop();
            FreeFloats -= length;
            if (clear)
            {
                Array.Clear(buffer);
            }
            return buffer;
        }
        // GC.AllocateUninitializedArray skips zeroing the large arrays that are about to be overwritten anyway.
        return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }

    public void Return(float[] buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }
        if (!_free.TryGetValue(buffer.Length, out var stack))
        {
            stack = new Stack<float[]>();
            _free[buffer.Length] = stack;
        }
        stack.Push(buffer);
        FreeFloats += buffer.Length;
    }

    public void Clear()
    {
        _free.Clear();
        FreeFloats = 0;
    }
}
