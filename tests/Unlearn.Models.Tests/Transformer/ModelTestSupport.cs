// Helpers shared by the transformer tests: the GEMM providers present on this machine, a data attribute whose OpenBLAS
// rows show as skipped (with the reason) instead of vanishing where the library is missing, loading on a backend
// (the managed engine with a provider, or LibTorch through the torch backend), and a tolerance check
// that reports the largest difference.
using System.Reflection;
using Unlearn.Backends.Torch;
using Unlearn.Models.Runtime;
using Unlearn.Numerics.Gemm;
using Xunit.Sdk;

namespace Unlearn.Models.Tests.Transformer;

internal static class ModelTestSupport
{
    public const string OpenBlasSkipReason =
        "OpenBLAS is not installed (libopenblas.so.0 did not load); apt-get install libopenblas0-pthread to run the OpenBLAS cases.";

    /// <summary>
    /// A model folder loaded on "managed" / "openblas" (the managed engine with that GEMM) or "torch" (LibTorch, CPU,
    /// float32), checked to run on that backend: a torch row that fell back to the managed engine would prove nothing.
    /// </summary>
    public static PretrainedModel Load(string folder, string backend, bool loadTokenizer = true)
    {
        var model = PretrainedModel.Load(folder, new ModelLoadOptions { Runtime = Factory(backend), LoadTokenizer = loadTokenizer });
        string expected = backend == TorchRuntime.BackendName ? "torch/cpu/float32/" : $"managed/{backend}";
        if (!model.Runtime.Description.StartsWith(expected, StringComparison.Ordinal))
        {
            string description = model.Runtime.Description;
            model.Dispose();
            Assert.Fail($"'{backend}' loaded a runtime described as '{description}', not '{expected}…'");
        }
        return model;
    }

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

/// <summary>
/// Like MemberData, for the rows of the OpenBLAS provider: where OpenBLAS is not installed every row is reported as
/// skipped with <see cref="ModelTestSupport.OpenBlasSkipReason"/>, so a machine without it shows the missing coverage.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenBlasMemberDataAttribute : MemberDataAttributeBase
{
    public OpenBlasMemberDataAttribute(string memberName, params object[] parameters)
        : base(memberName, parameters)
    {
        if (!OpenBlasGemm.IsAvailable)
        {
            Skip = ModelTestSupport.OpenBlasSkipReason;
        }
    }

    protected override object[] ConvertDataItem(MethodInfo testMethod, object item) => (object[])item;
}
