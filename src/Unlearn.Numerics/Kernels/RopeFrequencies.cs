// Rotary position embedding frequencies: the default schedule θ^(−2i/d) and Llama 3's piecewise
// rescaling (rope_type "llama3"). Computed in double and rounded once, which is at least as exact as
// the fp32 tables PyTorch builds.
namespace Unlearn.Numerics.Kernels;

/// <summary>Llama 3 RoPE scaling parameters (config.json <c>rope_scaling</c> with <c>rope_type: llama3</c>).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

public sealed class RopeFrequencies
{
    private readonly double[] _inverseFrequencies;

    private RopeFrequencies(int headDim, double[] inverseFrequencies)
    {
        HeadDim = headDim;
        _inverseFrequencies = inverseFrequencies;
    }

    public int HeadDim { get; }

    public int HalfDim => HeadDim / 2;

    public ReadOnlySpan<double> InverseFrequencies => _inverseFrequencies;

    public static RopeFrequencies Create(int headDim, double theta, Llama3RopeScaling? scaling = null)
    {
        if (headDim <= 0 || headDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "RoPE needs an even, positive head dimension.");
        }
        int half = headDim / 2;
        var inverse = new double[half];
        for (int i = 0; i < half; i++)
        {
            inverse[i] = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
        }
        if (scaling is not null)
        {
            ApplyLlama3Scaling(inverse, scaling);
        }
        return new RopeFrequencies(headDim, inverse);
    }

    /// <summary>Fills cos/sin tables for the given absolute positions.</summary>
    /// <param name="positions">[tokenCount]</param>
    /// <param name="cos">[tokenCount, headDim/2]</param>
    /// <param name="sin">[tokenCount, headDim/2]</param>
    public void Fill(ReadOnlySpan<int> positions, Span<float> cos, Span<float> sin)
    {
        int half = HalfDim;
        if (cos.Length < positions.Length * half || sin.Length < positions.Length * half)
        {
            throw new ArgumentException($"RoPE tables need {positions.Length * half} entries.");
        }
        for (int t = 0; t < positions.Length; t++)
        {
            double position = positions[t];
            for (int i = 0; i < half; i++)
            {
                double angle = position * _inverseFrequencies[i];
                cos[t * half + i] = (float)Math.Cos(angle);
                sin[t * half + i] = (float)Math.Sin(angle);
            }
        }
    }

    // transformers' _compute_llama3_parameters: wavelengths shorter than the high-frequency cutoff keep their
    // frequency, longer than the low-frequency cutoff are divided by `factor`, and those between are blended.
    private static void ApplyLlama3Scaling(double[] inverse, Llama3RopeScaling s)
    {
        double lowFreqWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highFreqWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < inverse.Length; i++)
        {
            double frequency = inverse[i];
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFreqWavelength)
            {
                continue;
            }
            if (wavelength > lowFreqWavelength)
            {
                inverse[i] = frequency / s.Factor;
                continue;
            }
            double smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
            inverse[i] = (1 - smooth) * frequency / s.Factor + smooth * frequency;
        }
    }
}
