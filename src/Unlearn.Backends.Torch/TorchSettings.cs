// How the torch backend runs: on which device (cpu, cuda, cuda:N), in which precision (float32 everywhere, or
// bfloat16 weights and activations with float32 norms, softmax and logits — meant for CUDA), on how many CPU threads.
using TorchSharp;
using Unlearn.Numerics.Threading;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

public enum TorchPrecision
{
    Float32,
    BFloat16,
}

public sealed record TorchSettings
{
    /// <summary>"cpu", "cuda" (device 0) or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    public TorchPrecision Precision { get; init; } = TorchPrecision.Float32;

    /// <summary>LibTorch intra-op threads; null uses the project's worker count (UNLEARN_THREADS, default all cores).</summary>
    public int? Threads { get; init; }

    public int ThreadCount => Threads ?? Parallelism.ThreadCount;

    /// <summary>The settings as they decide the bits: "torch/cpu/float32/threads=2". On the CPU LibTorch's results depend
    /// on its thread count (measured: `compare backends --threads 1` and `--threads 2` give different logits), so it is part of it.</summary>
    public string Description =>
        $"torch/{Device}/{(Precision == TorchPrecision.Float32 ? "float32" : "bfloat16")}" + (Device == "cpu" ? $"/threads={ThreadCount}" : "");

    /// <exception cref="TorchBackendException">not cpu, cuda or cuda:N</exception>
    public static (DeviceType Type, int Index) ParseDevice(string device)
    {
        if (device == "cpu")
        {
            return (DeviceType.CPU, -1);
        }
        if (device == "cuda")
        {
            return (DeviceType.CUDA, 0);
        }
        if (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int index) && index >= 0)
        {
            return (DeviceType.CUDA, index);
        }
        throw new TorchBackendException($"settings.device '{device}' is not a device: use cpu, cuda or cuda:N (N = 0, 1, …).");
    }

    internal ScalarType ComputeType => Precision == TorchPrecision.Float32 ? ScalarType.Float32 : ScalarType.BFloat16;
}
