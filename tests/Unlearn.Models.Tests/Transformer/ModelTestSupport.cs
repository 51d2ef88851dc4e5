// Helpers shared by the transformer tests: the GEMM providers present on this machine, the backends the golden tests
// run on (the managed engine with each provider, and LibTorch through the torch backend), and a tolerance check that
// reports the largest difference.
using Unlearn.Backends.Torch;
using Unlearn.Models.Runtime;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Tests.Transformer;

internal static class ModelTestSupport
{
    /// <summary>"managed" always; "openblas" when libopenblas.so.0 can be loaded here.</summary>
    public static IEnumerable<string> Providers()
    {
        yield return "managed";
        if (OpenBlasGemm.TryCreate(out _))
        {
            yield return "openblas";
        }
    }

    /// <summary>Every provider of the managed engine, then "torch" (LibTorch on the CPU in float32).</summary>
    public static IEnumerable<string> Backends() => Providers().Append(TorchRuntime.BackendName);

    /// <summary>A model folder loaded on a backend of <see cref="Backends"/>.</summary>
    public static PretrainedModel Load(string folder, string backend, bool loadTokenizer = true) =>
        PretrainedModel.Load(folder, new ModelLoadOptions { Runtime = Factory(backend), LoadTokenizer = loadTokenizer });

    public static IModelRuntimeFactory Factory(string backend) => backend == TorchRuntime.BackendName
        ? new TorchRuntimeFactory(new TorchSettings { Device = "cpu" })
        : new ManagedRuntimeFactory(Gemm.Create(backend));

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float absoluteTolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        float worst = 0;
        int worstIndex = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(expected[i] - actual[i]);
            if (float.IsNaN(diff) || diff > worst)
            {
                worst = float.IsNaN(diff) ? float.PositiveInfinity : diff;
                worstIndex = i;
            }
        }
        Assert.True(worst <= absoluteTolerance, $"{what}: max abs diff {worst} at {worstIndex} (expected {expected[worstIndex]}, got {actual[worstIndex]}), tolerance {absoluteTolerance}");
    }
}
