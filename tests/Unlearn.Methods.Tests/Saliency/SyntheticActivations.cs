// Seeded synthetic activations for the saliency tests: standard-normal noise (Box–Muller over SeededRandom)
// with chosen units shifted in the concept rows, so the truly salient units are known.
using Unlearn.Methods.Activations;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;

namespace Unlearn.Methods.Tests.Saliency;

internal static class SyntheticActivations
{
    /// <summary>The bundled model's shape: hidden 64, intermediate 172, 5 layers, q 64 rows, k/v 32 rows.</summary>
    public static TransformerShape Stories260K => PretrainedModel.ShapeOf(BundledModel.Stories260K.Config);

    /// <summary>Llama-3.2-3B's shape (config.json of meta-llama/Llama-3.2-3B-Instruct).</summary>
    public static TransformerShape Llama32ThreeB => new()
    {
        Architecture = "llama",
        HiddenSize = 3072,
        IntermediateSize = 8192,
        LayerCount = 28,
        HeadCount = 24,
        KvHeadCount = 8,
        HeadDim = 128,
        VocabSize = 128256,
        RmsNormEps = 1e-5f,
        RopeTheta = 500000,
        TiedEmbeddings = true,
        QkvBias = false,
        MaxPositions = 131072,
    };

    /// <summary>[rows, width] noise; in the concept matrix each planted unit is shifted by its amount.</summary>
    public static SiteActivations Site(HookSite site, int width, int conceptRows, int backgroundRows, ulong seed, params (int Unit, float Shift)[] planted)
    {
        var random = new SeededRandom(seed);
        var concept = Noise(random, conceptRows, width);
        foreach (var (unit, shift) in planted)
        {
            for (int r = 0; r < conceptRows; r++)
            {
                concept[r * width + unit] += shift;
            }
        }
        var background = Noise(random, backgroundRows, width);
        return new SiteActivations(site, new ActivationMatrix(concept, conceptRows, width), new ActivationMatrix(background, backgroundRows, width));
    }

    private static float[] Noise(SeededRandom random, int rows, int width)
    {
        var values = new float[rows * width];
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }
}
