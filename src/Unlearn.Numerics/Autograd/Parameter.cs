// A trainable tensor: its values, the gradient the tape accumulates into it, and the name it is saved and reported
// under (a PEFT or Hugging Face tensor name). Gradients accumulate across Backward calls until ZeroGradient, which is
// how micro-batches add up; the optimisers read Value and Gradient and nothing else.
using Unlearn.Numerics.Tensors;

namespace Unlearn.Numerics.Autograd;

public sealed class Parameter
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="value"/> (not copied) as a parameter of the given shape ([n] or [rows, columns]).</summary>
    public Parameter(string name, float[] value, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (shape.Length is < 1 or > 2 || shape.Any(d => d < 0))
        {
            throw new ArgumentException($"Parameter '{name}': shape [{string.Join(", ", shape)}] must have one or two non-negative dimensions.", nameof(shape));
        }
        long count = shape.Aggregate(1L, (product, d) => product * d);
        if (count != value.Length)
        {
            throw new ArgumentException($"Parameter '{name}': shape [{string.Join(", ", shape)}] holds {count} values but {value.Length} were given.", nameof(value));
        }
        Name = name;
        Value = value;
        Gradient = new float[value.Length];
        _shape = (int[])shape.Clone();
    }

    /// <summary>A zero-filled parameter.</summary>
    public Parameter(string name, params int[] shape)
        : this(name, new float[shape.Aggregate(1L, (product, d) => product * Math.Max(d, 0))], shape)
    {
    }

    public string Name { get; }

    /// <summary>[n] for vectors, [rows, columns] for matrices.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Rows of a matrix; 1 for a vector.</summary>
    public int Rows => _shape.Length == 1 ? 1 : _shape[0];

    /// <summary>Columns of a matrix; the length of a vector.</summary>
    public int Columns => _shape[^1];

    public int Length => Value.Length;

    public float[] Value { get; }

    /// <summary>d loss / d value, accumulated by every Backward since the last <see cref="ZeroGradient"/>.</summary>
    public float[] Gradient { get; }

    /// <summary>AdamW leaves this parameter out of weight decay (norm weights and biases, by the usual convention).</summary>
    public bool ExcludeFromWeightDecay { get; init; }

    public void ZeroGradient() => Array.Clear(Gradient);

    /// <summary>A parameter holding a copy of a loaded weight matrix (for full-gradient training or gradient checks).</summary>
    public static Parameter CopyOf(DenseMatrix matrix, string? name = null) =>
        new(name ?? matrix.Name, matrix.Span.ToArray(), matrix.Rows, matrix.Columns);

    /// <summary>A parameter holding a copy of a weight vector (a norm weight or a bias).</summary>
    public static Parameter CopyOf(ReadOnlySpan<float> vector, string name) => new(name, vector.ToArray(), vector.Length);

    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}]";
}
