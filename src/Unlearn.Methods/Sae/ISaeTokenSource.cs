// Where SAE training reads its tokens from: a fixed set of activation rows of one width that can be gathered in any
// order (the token-level activation cache, or an in-memory matrix in tests and benchmarks).
namespace Unlearn.Methods.Sae;

public interface ISaeTokenSource
{
    /// <summary>Rows available.</summary>
    int Count { get; }

    /// <summary>Floats per row (d_in).</summary>
    int Width { get; }

    /// <summary>Copies the listed rows, in order, into <paramref name="destination"/> ([rows.Length, Width]).</summary>
    void Gather(ReadOnlySpan<int> rows, Span<float> destination);
}

/// <summary>Rows held in one row-major array.</summary>
public sealed class InMemoryTokenSource : ISaeTokenSource
{
    private readonly float[] _values;

    public InMemoryTokenSource(float[] values, int width)
    {
        if (width < 1 || values.Length % width != 0)
        {
            throw new ArgumentException($"{values.Length} values are not whole rows of width {width}.", nameof(values));
        }
        _values = values;
        Width = width;
        Count = values.Length / width;
    }

    public int Count { get; }

    public int Width { get; }

    public void Gather(ReadOnlySpan<int> rows, Span<float> destination)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            _values.AsSpan(rows[i] * Width, Width).CopyTo(destination.Slice(i * Width, Width));
        }
    }
}
