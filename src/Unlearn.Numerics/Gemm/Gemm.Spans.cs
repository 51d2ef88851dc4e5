// Span overloads of GEMM: check lengths against the shapes, pin, and call a provider's pointer API.
// Also the linear-layer product Y = X·Wᵀ (+ bias) with W stored [outFeatures, inFeatures] as in PyTorch
// and Hugging Face checkpoints. Overloads without a provider use Gemm.Current.
namespace Unlearn.Numerics.Gemm;

public static partial class Gemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C on spans with <see cref="Current"/>; see <see cref="IGemm.Multiply"/>.</summary>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Current.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>C = op(A)·op(B) with A, B, C dense row-major on spans, using <see cref="Current"/>.</summary>
    public static void Multiply(
        ReadOnlySpan<float> a,  // [m, k]
        ReadOnlySpan<float> b,  // [k, n]
        int m, int n, int k,
        Span<float> c)          // [m, n]
        => Current.Multiply(a, b, m, n, k, c);

    /// <summary>output = input·weightᵀ + bias with <see cref="Current"/>; see the extension overload.</summary>
    public static void Linear(
        ReadOnlySpan<float> input,   // [rows, inFeatures]
        ReadOnlySpan<float> weight,  // [outFeatures, inFeatures]
        ReadOnlySpan<float> bias,    // [outFeatures], or empty for none
        int rows, int inFeatures, int outFeatures,
        Span<float> output)          // [rows, outFeatures]
        => Current.Linear(input, weight, bias, rows, inFeatures, outFeatures, output);

    /// <summary>C = alpha·op(A)·op(B) + beta·C on spans; checks each span holds its matrix as described by the strides.</summary>
    /// <exception cref="ArgumentException">A span is too short for its shape and stride, or C overlaps A or B.</exception>
    public static unsafe void Multiply(
        this IGemm gemm,
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(gemm);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k > 0)
        {
            CheckLength(a.Length, nameof(a), "A", transposeA ? k : m, transposeA ? m : k, lda, nameof(lda));
            CheckLength(b.Length, nameof(b), "B", transposeB ? n : k, transposeB ? k : n, ldb, nameof(ldb));
        }
        CheckLength(c.Length, nameof(c), "C", m, n, ldc, nameof(ldc));
        if (m > 0 && n > 0 && k > 0 && (c.Overlaps(a) || c.Overlaps(b)))
        {
            throw new ArgumentException("GEMM: C overlaps A or B; the output must be a separate buffer.", nameof(c));
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            gemm.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>C = A·B with A [m, k], B [k, n] and C [m, n] dense row-major.</summary>
    public static void Multiply(this IGemm gemm, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int n, int k, Span<float> c)
        => gemm.Multiply(false, false, m, n, k, 1f, a, Math.Max(1, k), b, Math.Max(1, n), 0f, c, Math.Max(1, n));

    /// <summary>
    /// The linear layer: output[r, o] = Σ_i input[r, i]·weight[o, i] + bias[o], all dense row-major, with the
    /// weight stored [outFeatures, inFeatures] (PyTorch's nn.Linear layout). Bias is optional (empty span).
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not match its shape.</exception>
    public static void Linear(
        this IGemm gemm,
        ReadOnlySpan<float> input,   // [rows, inFeatures]
        ReadOnlySpan<float> weight,  // [outFeatures, inFeatures]
        ReadOnlySpan<float> bias,    // [outFeatures], or empty for none
        int rows, int inFeatures, int outFeatures,
        Span<float> output)          // [rows, outFeatures]
    {
        ArgumentNullException.ThrowIfNull(gemm);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        CheckExact(input.Length, (long)rows * inFeatures, nameof(input), $"[{rows}, {inFeatures}]");
        CheckExact(weight.Length, (long)outFeatures * inFeatures, nameof(weight), $"[{outFeatures}, {inFeatures}]");
        CheckExact(output.Length, (long)rows * outFeatures, nameof(output), $"[{rows}, {outFeatures}]");
        if (!bias.IsEmpty)
        {
            CheckExact(bias.Length, outFeatures, nameof(bias), $"[{outFeatures}] (or empty)");
            // Seeding C with the bias and using beta = 1 adds it in the same pass as the product.
            for (int r = 0; r < rows; r++)
            {
                bias.CopyTo(output.Slice(r * outFeatures, outFeatures));
            }
        }
        int stride = Math.Max(1, inFeatures);
        gemm.Multiply(
            false, true, rows, outFeatures, inFeatures, 1f, input, stride, weight, stride,
            bias.IsEmpty ? 0f : 1f, output, Math.Max(1, outFeatures));
    }

    private static void CheckLength(int length, string name, string matrix, int rows, int columns, int stride, string strideName)
    {
        if (stride < Math.Max(1, columns))
        {
            throw new ArgumentOutOfRangeException(
                strideName, stride,
                $"GEMM: {strideName} = {stride} is less than the {columns} columns of {matrix} as stored [{rows}, {columns}].");
        }
        long needed = rows == 0 || columns == 0 ? 0 : (long)(rows - 1) * stride + columns;
        if (length < needed)
        {
            throw new ArgumentException(
                $"GEMM: {name} has {length} elements but {matrix} stored [{rows}, {columns}] with row stride {stride} needs {needed}.",
                name);
        }
    }

    private static void CheckExact(int length, long expected, string name, string shape)
    {
        if (length != expected)
        {
            throw new ArgumentException($"Linear: {name} has {length} elements but its shape {shape} needs {expected}.", name);
        }
    }
}
