// Backward pass of RoPE: the rotation is orthogonal, so d x = Rᵀ·d y, the rotation by −θ. Unlike Apply(inverse: true),
// which rotates in place, this accumulates into a separate gradient buffer (+=) so a tensor read by several ops
// can sum their gradients. Scalar loops: RoPE is a few multiplies per element, far below any GEMM in cost.
namespace Unlearn.Numerics.Kernels;

public static partial class Rope
{
    /// <summary>inputGrad += Rᵀ · outputGrad for every head of every token.</summary>
    /// <param name="outputGrad">[tokenCount, headCount, headDim]</param>
    /// <param name="cos">[tokenCount, headDim/2]</param>
    /// <param name="sin">[tokenCount, headDim/2]</param>
    /// <param name="inputGrad">[tokenCount, headCount, headDim] accumulated</param>
    public static void Backward(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin,
        int tokenCount, int headCount, int headDim, Span<float> inputGrad)
    {
        int half = headDim / 2;
        int count = tokenCount * headCount * headDim;
        if (outputGrad.Length < count || inputGrad.Length < count || cos.Length < tokenCount * half || sin.Length < tokenCount * half)
        {
            throw new ArgumentException($"Rope.Backward: buffers do not fit [{tokenCount}, {headCount}, {headDim}].");
        }
        for (int t = 0; t < tokenCount; t++)
        {
            var c = cos.Slice(t * half, half);
            var s = sin.Slice(t * half, half);
            for (int h = 0; h < headCount; h++)
            {
                int offset = (t * headCount + h) * headDim;
                var dyFirst = outputGrad.Slice(offset, half);
                var dySecond = outputGrad.Slice(offset + half, half);
                var dxFirst = inputGrad.Slice(offset, half);
                var dxSecond = inputGrad.Slice(offset + half, half);
                for (int i = 0; i < half; i++)
                {
                    // Forward: y1 = x1·c − x2·s, y2 = x2·c + x1·s; the transpose gives the two lines below.
                    dxFirst[i] += dyFirst[i] * c[i] + dySecond[i] * s[i];
                    dxSecond[i] += dySecond[i] * c[i] - dyFirst[i] * s[i];
                }
            }
        }
    }

    /// <summary>Scalar reference: the transpose of x·cos + rotate_half(x)·sin written out in double, accumulated.</summary>
    public static void BackwardReference(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin,
        int tokenCount, int headCount, int headDim, Span<float> inputGrad)
    {
        int half = headDim / 2;
        var gradient = new double[headDim];
        for (int t = 0; t < tokenCount; t++)
        {
            for (int h = 0; h < headCount; h++)
            {
                int offset = (t * headCount + h) * headDim;
                Array.Clear(gradient);
                for (int i = 0; i < headDim; i++)
                {
                    // y_i = x_i·cos_f + rotate_half(x)_i·sin_f, rotate_half(x)_i = −x_{i+half} (i < half) or x_{i−half}.
                    int f = t * half + (i % half);
                    double dy = outputGrad[offset + i];
                    gradient[i] += dy * cos[f];
                    if (i < half)
                    {
                        gradient[i + half] -= dy * sin[f];
                    }
                    else
                    {
                        gradient[i - half] += dy * sin[f];
                    }
                }
                for (int i = 0; i < headDim; i++)
                {
                    inputGrad[offset + i] += (float)gradient[i];
                }
            }
        }
    }
}
