// The one place that knows both backends: `settings.backend: managed|torch` and `settings.device: cpu|cuda[:N]`
// (or the CLI's --backend/--device) → the factory that loads a model folder on it, or the runtime over a model the
// managed engine already holds (a random benchmark model). Projects that choose a backend reference this assembly.
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Backends.Torch;

public static class RuntimeSelection
{
    public static IReadOnlyList<string> Backends { get; } = [ManagedRuntime.BackendName, TorchRuntime.BackendName];

    /// <exception cref="ArgumentException">an unknown backend, or a device other than cpu for the managed engine</exception>
    /// <exception cref="TorchBackendException">a device name that is not cpu, cuda or cuda:N</exception>
    public static IModelRuntimeFactory Factory(string backend, string device = "cpu", IGemm? gemm = null, TorchPrecision precision = TorchPrecision.Float32)
    {
        Check(backend, device);
        return backend == TorchRuntime.BackendName
            ? new TorchRuntimeFactory(new TorchSettings { Device = device, Precision = precision })
            : new ManagedRuntimeFactory(gemm);
    }

    /// <summary>A runtime over <paramref name="model"/>'s weights on the backend; the model must outlive it.</summary>
    public static IModelRuntime Wrap(LlamaModel model, string backend, string device = "cpu", TorchPrecision precision = TorchPrecision.Float32)
    {
        Check(backend, device);
        return backend == TorchRuntime.BackendName
            ? TorchRuntime.FromManaged(model, new TorchSettings { Device = device, Precision = precision })
            : new ManagedRuntime(model);
    }

    /// <summary>Starts LibTorch and checks that it has the device: a CUDA device on a CPU-only build (or one that is not
    /// there) fails here, naming the package switch, so a build can refuse before its first stage runs.</summary>
    /// <exception cref="TorchBackendException">no such device, or LibTorch could not be loaded</exception>
    public static void EnsureDevice(TorchSettings settings) => TorchNative.Start(settings);

    /// <summary>What is wrong with the pair, as an error message naming settings.backend or settings.device; null when it
    /// can run (whether this build has CUDA is known only once LibTorch starts, and is said then).</summary>
    public static string? Problem(string backend, string device)
    {
        try
        {
            Check(backend, device);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or TorchBackendException)
        {
            return e.Message;
        }
    }

    private static void Check(string backend, string device)
    {
        if (!Backends.Contains(backend))
        {
            throw new ArgumentException($"settings.backend '{backend}' is not a backend: use {string.Join(" or ", Backends)}.");
        }
        if (backend == TorchRuntime.BackendName)
        {
            TorchSettings.ParseDevice(device);
        }
        if (backend == ManagedRuntime.BackendName && device != "cpu")
        {
            throw new ArgumentException($"settings.device '{device}': the managed engine runs on the CPU only; use settings.backend: torch for a GPU.");
        }
    }
}
