// Recycles the float arrays of a tape's activations, gradients and saved tensors: a training step asks for the same
// sizes every time, so after the first step nothing large is allocated (no large-object-heap churn, no zeroing of fresh
// pages). Arrays are kept by exact length. When batches change shape (padding to each batch's longest sequence), the
// sizes the last recording did not ask for are dropped at its end (EndRecording), so the pool never holds more than
// one recording's worth. Not thread-safe: one tape, one thread recording.
namespace Unlearn.Numerics.Autograd;

internal sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = [];
    private readonly HashSet<int> _rentedThisRecording = [];

    /// <summary>Floats currently held for reuse.</summary>
    public long FreeFloats { get; private set; }

    public float[] Rent(int length, bool clear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return [];
        }
        _rentedThisRecording.Add(length);
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

    /// <summary>Drops the free arrays of every length the recording that just ended did not rent.</summary>
    public void EndRecording()
    {
        foreach (var length in _free.Keys.Where(length => !_rentedThisRecording.Contains(length)).ToList())
        {
            FreeFloats -= (long)length * _free[length].Count;
            _free.Remove(length);
        }
        _rentedThisRecording.Clear();
    }

    public void Clear()
    {
        _free.Clear();
        _rentedThisRecording.Clear();
        FreeFloats = 0;
    }
}
