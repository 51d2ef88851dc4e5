// Our dtype conversions against torch's on the same inputs (Data/npy/torch_goldens.npz, made by
// tests/reference/make_npy_fixtures.py): widening of real BF16/F16 weights, and float32 → BF16/F16
// rounding, compared bit for bit.
using Unlearn.Models.Formats;
using Unlearn.Models.Formats.Kernels;

namespace Unlearn.Models.Tests.Formats;

public sealed class TorchConversionTests
{
    private static readonly IReadOnlyDictionary<string, NpyArray> Goldens = NpzFile.Read(NumpyFixtures.Path("torch_goldens.npz"));

    [Theory]
    [InlineData("llama3-mini", "model.embed_tokens.weight")]
    [InlineData("llama2-mini", "lm_head.weight")]
    public void CopyToFloat32_RealHalfPrecisionWeights_EqualTorchFloat(string model, string tensorName)
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel(model), "model.safetensors"));
        float[] ours = file.GetTensor(tensorName).ToFloat32Array();
        float[] torch = Goldens[$"widened/{model}/{tensorName}"].ToFloat32Array();
        AssertBitsEqual(torch, ours.AsSpan(0, torch.Length).ToArray());
    }

    [Fact]
    public void BFloat16Narrow_RandomAndTieValues_EqualTorchRounding()
    {
        float[] input = Goldens["rounding/input"].ToFloat32Array();
        var bits = new ushort[input.Length];
        BFloat16Narrowing.Narrow(input, bits);
        var ours = new float[input.Length];
        BFloat16Widening.Widen(bits, ours);
        AssertBitsEqual(Goldens["rounding/bf16"].ToFloat32Array(), ours);
    }

    [Fact]
    public void Float16Narrow_RandomAndTieValues_EqualTorchRounding()
    {
        // SafetensorsWriter.AddFloat32AsFloat16 narrows with the System.Half cast checked here.
        float[] input = Goldens["rounding/input"].ToFloat32Array();
        float[] ours = input.Select(value => (float)(Half)value).ToArray();
        AssertBitsEqual(Goldens["rounding/f16"].ToFloat32Array(), ours);
    }

    private static void AssertBitsEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int mismatches = 0;
        double maxAbsDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(expected[i]) != BitConverter.SingleToUInt32Bits(actual[i]))
            {
                mismatches++;
                maxAbsDiff = Math.Max(maxAbsDiff, Math.Abs((double)expected[i] - actual[i]));
            }
        }
        Assert.True(mismatches == 0, $"{mismatches} of {expected.Length} values differ from torch; max abs diff {maxAbsDiff}");
    }
}
