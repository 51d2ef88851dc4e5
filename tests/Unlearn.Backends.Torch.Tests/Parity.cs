// Helpers of the parity tests: the two backends over the same model folder, a recorder of every hook site, and
// tolerance checks that print the largest difference.
using Unlearn.Models;
using Unlearn.Models.Hooks;
using Unlearn.Models.Runtime;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Backends.Torch.Tests;

internal static class Parity
{
    public static PretrainedModel Managed(string folder) =>
        PretrainedModel.Load(folder, new ModelLoadOptions { Gemm = ManagedGemm.Instance });

    public static PretrainedModel Torch(string folder, TorchSettings? settings = null) =>
        PretrainedModel.Load(folder, new ModelLoadOptions { Runtime = new TorchRuntimeFactory(settings ?? new TorchSettings()) });

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values expected, {actual.Length} given");
        float worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = expected[i] == actual[i] ? 0 : MathF.Abs(expected[i] - actual[i]);
            if (float.IsNaN(diff) || diff > worst)
            {
                worst = float.IsNaN(diff) ? float.PositiveInfinity : diff;
                at = i;
            }
        }
        Assert.True(worst <= tolerance, $"{what}: max abs diff {worst} at {at} (expected {expected[at]}, got {actual[at]}), tolerance {tolerance}");
    }

    /// <summary>‖expected − actual‖ ≤ tolerance · ‖expected‖.</summary>
    public static void AssertRelative(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double difference = 0, reference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            difference += Math.Pow(expected[i] - actual[i], 2);
            reference += Math.Pow(expected[i], 2);
        }
        Assert.True(reference > 0, $"{what}: the reference is all zeros, so the comparison would prove nothing");
        Assert.True(Math.Sqrt(difference) <= tolerance * Math.Sqrt(reference), $"{what}: relative difference {Math.Sqrt(difference / reference):E2} > {tolerance:E1}");
    }

    /// <summary>Rows of [rows, width] whose cell is valid (padding rows are meaningless on every backend).</summary>
    public static float[] ValidRows(float[] values, bool[] valid, int width) =>
        Enumerable.Range(0, valid.Length).Where(c => valid[c]).SelectMany(c => values.Skip(c * width).Take(width)).ToArray();
}

/// <summary>Keeps a copy of every site's activation.</summary>
internal sealed class SiteRecorder : IActivationHook
{
    public Dictionary<string, float[]> Values { get; } = [];

    public bool Wants(HookSite site) => true;

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context) => Values[site.Name] = activations.ToArray();
}

/// <summary>An intervention: halves layers.1.mlp.act and zeroes feature 0 of layers.0.residual, in place.</summary>
internal sealed class Intervention : IActivationHook
{
    public bool Wants(HookSite site) => site.Name is "layers.1.mlp.act" or "layers.0.residual";

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
    {
        if (site.Kind == SiteKind.MlpActivation)
        {
            foreach (ref var value in activations)
            {
                value *= 0.5f;
            }
            return;
        }
        for (int row = 0; row < activations.Length / context.Width; row++)
        {
            activations[row * context.Width] = 0f;
        }
    }
}
