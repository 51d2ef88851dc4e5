// Loads Data/optimizers/torch_reference.json (tests/reference/optimizer_reference.py) and rebuilds its inputs: the
// same integer formulas, so parameters and gradients are bit-identical to the ones PyTorch saw.
using System.Text.Json;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Numerics.Tests.Optimization;

internal sealed class TorchReference
{
    private readonly JsonElement _root;

    private TorchReference(JsonElement root) => _root = root;

    public static TorchReference Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "optimizers", "torch_reference.json");
        using var stream = File.OpenRead(path);
        return new TorchReference(JsonDocument.Parse(stream).RootElement.Clone());
    }

    public double[] LearningRates => _root.GetProperty("learning_rates").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public JsonElement this[string key] => _root.GetProperty(key);

    /// <summary>Fresh parameters "w" [3, 4] and "b" [5] with the script's initial values.</summary>
    public static (Parameter W, Parameter B) Parameters(bool excludeBiasFromDecay = false)
    {
        var w = new Parameter("w", Initial(0, 12), 3, 4);
        var b = new Parameter("b", Initial(1, 5), 5) { ExcludeFromWeightDecay = excludeBiasFromDecay };
        return (w, b);
    }

    /// <summary>Writes the script's gradient for <paramref name="step"/> into both parameters.</summary>
    public static void SetGradients(Parameter w, Parameter b, int step)
    {
        Gradient(0, step).CopyTo(w.Gradient, 0);
        Gradient(1, step).CopyTo(b.Gradient, 0);
    }

    public static float[] Bits(JsonElement array) =>
        array.EnumerateArray().Select(e => BitConverter.UInt32BitsToSingle(e.GetUInt32())).ToArray();

    /// <summary>Largest distance in units in the last place between two float arrays.</summary>
    public static long MaxUlps(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        long worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((long)Ordered(expected[i]) - Ordered(actual[i])));
        }
        return worst;
    }

    private static int Ordered(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        return bits < 0 ? int.MinValue - bits : bits;
    }

    private static float[] Initial(int k, int count) =>
        Enumerable.Range(0, count).Select(i => (float)((((i * 37 + k * 11) % 101) - 50) / 64.0)).ToArray();

    private static float[] Gradient(int k, int step) =>
        Enumerable.Range(0, k == 0 ? 12 : 5).Select(i => (float)((((i * 13 + step * 29 + k * 7) % 97) - 48) / 128.0)).ToArray();
}
