// A value on the tape: fp32 data [rows, width] row-major and, when gradients flow to it, a gradient buffer of the same
// shape allocated the first time something is added into it. A variable belongs to one recording of one tape: after
// Tape.Reset its buffers go back to the tape's pool and any use throws. After Backward, a variable's gradient is kept
// only when it was asked for (RetainGradient, Tape.Observe); the others are recycled as soon as they are consumed.
namespace Unlearn.Numerics.Autograd;

public sealed class Variable
{
    private readonly Tape _tape;
    private readonly int _generation;
    private float[]? _data;

    internal Variable(Tape tape, int generation, string name, int rows, int width, float[] data, bool requiresGradient, bool ownsData)
    {
        _tape = tape;
        _generation = generation;
        Name = name;
        Rows = rows;
        Width = width;
        _data = data;
        RequiresGradient = requiresGradient;
        OwnsData = ownsData;
    }

    public string Name { get; }

    public int Rows { get; }

    public int Width { get; }

    public int Length => Rows * Width;

    /// <summary>True when a gradient flows to this variable (it depends on a trainable input, or was observed).</summary>
    public bool RequiresGradient { get; internal set; }

    /// <summary>True when the gradient is kept after Backward (set by <see cref="RetainGradient"/> or Tape.Observe).</summary>
    public bool RetainsGradient { get; private set; }

    /// <summary>[Rows, Width] the value. Do not change it once an op has read it: ops keep references, not copies.</summary>
    public Span<float> Value
    {
        get
        {
            CheckAlive();
            if (ValueOverwritten)
            {
                throw new InvalidOperationException($"The value of '{Name}' was overwritten by its gradient (MaskedCrossEntropy with gradientIntoLogits).");
            }
            return _data.AsSpan(0, Length);
        }
    }

    /// <summary>True once a gradient buffer exists (something was added into it, or Backward seeded it).</summary>
    public bool HasGradient => GradientBuffer is not null;

    /// <summary>[Rows, Width] d loss / d value. Zeros when no gradient reached it; throws when none can.</summary>
    public Span<float> Gradient
    {
        get
        {
            CheckAlive();
            if (!RequiresGradient)
            {
                throw new InvalidOperationException(
                    $"'{Name}' has no gradient: nothing it depends on is trainable. Call tape.Observe on it before using it to get d loss / d '{Name}'.");
            }
            if (GradientReleased)
            {
                throw new InvalidOperationException(
                    $"The gradient of '{Name}' was recycled during Backward. Call RetainGradient (or tape.Observe) on it before Backward to keep it.");
            }
            return _tape.GradientOf(this);
        }
    }

    /// <summary>Keeps this variable's gradient after Backward so it can be read (e.g. a hook site for saliency).</summary>
    public void RetainGradient()
    {
        CheckAlive();
        RetainsGradient = true;
    }

    public override string ToString() => $"{Name} [{Rows}, {Width}]";

    internal Tape Tape => _tape;

    internal int Generation => _generation;

    internal bool OwnsData { get; }

    internal float[] Data
    {
        get
        {
            CheckAlive();
            return _data!;
        }
    }

    internal float[]? GradientBuffer { get; set; }

    /// <summary>The gradient buffer is the data buffer (in-place cross-entropy); it is not returned to the pool twice.</summary>
    internal bool GradientAliasesData { get; set; }

    internal bool ValueOverwritten { get; set; }

    /// <summary>Backward consumed and recycled this (not retained) gradient.</summary>
    internal bool GradientReleased { get; set; }

    /// <summary>How many recorded ops read this variable.</summary>
    internal int ConsumerCount { get; set; }

    internal bool IsAlive => _data is not null;

    internal void Invalidate()
    {
        _data = null;
        GradientBuffer = null;
    }

    private void CheckAlive()
    {
        if (_data is null)
        {
            throw new ObjectDisposedException(Name, $"Variable '{Name}' belongs to a tape recording that was reset; read values and gradients before Tape.Reset.");
        }
    }
}
