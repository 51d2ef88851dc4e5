// Applies rotary position embeddings in the "rotate_half" layout Hugging Face checkpoints use: within each
// head the first half of the dimensions pairs with the second half (i ↔ i + d/2), not adjacent pairs
// (llama2.c/Meta layout, which the HF conversion permutes away).
namespace Unlearn.Numerics.Kernels;

public static partial class Rope
{
    /// <summary>Rotates every head of every token in place by its position's angles.</summary>
    /// <param name="x">[tokenCount, headCount, headDim], rotated in place</param>
    /// <param name="cos">[tokenCount, headDim/2]</param>
    /// <param name="sin">[tokenCount, headDim/2]</param>
    /// <param name="inverse">false: forward rotation; true: the transpose (rotation by −θ), which is the backward pass.</param>
    public static void Apply(
        Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin,
        int tokenCount, int headCount, int headDim, bool inverse = false)
    {
        int half = headDim / 2;
        if (x.Length < tokenCount * headCount * headDim || cos.Length < tokenCount * half || sin.Length < tokenCount * half)
        {
            throw new ArgumentException($"Rope: buffers do not fit [{tokenCount}, {headCount}, {headDim}].");
        }
        float sign = inverse ? -1f : 1f;
        for (int t = 0; t < tokenCount; t++)
        {
            var c = cos.Slice(t * half, half);
            var s = sin.Slice(t * half, half);
            for (int h = 0; h < headCount; h++)
            {
                var head = x.Slice((t * headCount + h) * headDim, headDim);
                var first = head.Slice(0, half);
                var second = head.Slice(half, half);
                for (int i = 0; i < half; i++)
                {
                    float a = first[i];
                    float b = second[i];
                    float si = sign * s[i];
                    first[i] = a * c[i] - b * si;
                    second[i] = b * c[i] + a * si;
                }
            }
        }
    }

    /// <summary>Scalar reference: rotate_half written as PyTorch does, x·cos + rotate_half(x)·sin, in double.</summary>
    public static void ApplyReference(
        Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin,
        int tokenCount, int headCount, int headDim)
    {
        int half = headDim / 2;
        var rotated = new double[headDim];
        for (int t = 0; t < tokenCount; t++)
        {
            for (int h = 0; h < headCount; h++)
            {
                int offset = (t * headCount + h) * headDim;
                for (int i = 0; i < headDim; i++)
                {
                    double rotateHalf = i < half ? -x[offset + i + half] : x[offset + i - half];
                    int f = t * half + (i % half);
                    rotated[i] = x[offset + i] * (double)cos[f] + rotateHalf * sin[f];
                }
                for (int i = 0; i < headDim; i++)
                {
                    x[offset + i] = (float)rotated[i];
                }
            }
        }
    }
}
