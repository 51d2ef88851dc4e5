// The resolved number-changing settings: "auto" becomes the provider actually used, 0 threads becomes
// the actual thread count. Keys record resolved values, so a result computed with OpenBLAS is never
// reused for a managed-GEMM run.
// The GEMM provider is the managed kernel unless the experiment (settings.gemm) or UNLEARN_GEMM names another:
// what a machine happens to have installed never changes a key. Threads: UNLEARN_THREADS, else the processor count.
// The backend (settings.backend, settings.device, settings.dtype) decides which runtime StageModel loads; a torch
// runtime's Description ("torch/cpu/float32/threads=2") enters the keys of stages that run the model, while managed keys
// stay what they were before there was a choice (their gemm entry already says everything managed's Description does).
using Unlearn.Backends.Torch;
using Unlearn.Experiments.Schema;
using Unlearn.Models.Runtime;
using Unlearn.Numerics.Threading;
using GemmProviders = Unlearn.Numerics.Gemm.Gemm;

namespace Unlearn.Experiments.Graph;

/// <param name="Gemm">Resolved provider name: managed, openblas or reference.</param>
/// <param name="Threads">Resolved worker thread count.</param>
/// <param name="Dtype">Compute dtype name.</param>
/// <param name="Backend">managed or torch.</param>
/// <param name="Device">cpu, cuda or cuda:N (torch only).</param>
public sealed record NumericsEnvironment(string Gemm, int Threads, string Dtype, string Backend = ManagedRuntime.BackendName, string Device = "cpu")
{
    /// <summary>The provider of settings.gemm auto when UNLEARN_GEMM is unset.</summary>
    public const string DefaultGemm = "managed";

    public static NumericsEnvironment Resolve(SettingsConfig settings) =>
        Resolve(settings, Environment.GetEnvironmentVariable(GemmProviders.ProviderVariable));

    /// <summary>Resolution given the value of UNLEARN_GEMM (null or blank: unset). Probes OpenBLAS only when it is asked for.</summary>
    /// <exception cref="Unlearn.Numerics.Gemm.GemmConfigurationException">UNLEARN_GEMM names no provider, or OpenBLAS is asked for and not installed.</exception>
    /// <exception cref="TorchBackendException">settings.device names a CUDA device this build of the torch backend does not have.</exception>
    public static NumericsEnvironment Resolve(SettingsConfig settings, string? gemmVariable)
    {
        string gemm;
        if (settings.Gemm != GemmProvider.Auto)
        {
            gemm = ExperimentSchema.ChoiceName(settings.Gemm);
        }
        else if (string.IsNullOrWhiteSpace(gemmVariable))
        {
            gemm = DefaultGemm;
        }
        else
        {
            gemm = gemmVariable.Trim().ToLowerInvariant();
            if (!GemmProviders.ProviderNames.Contains(gemm))
            {
                throw new Unlearn.Numerics.Gemm.GemmConfigurationException(
                    $"{GemmProviders.ProviderVariable}='{gemmVariable}' names no GEMM provider; use one of {string.Join(", ", GemmProviders.ProviderNames)}, or unset it (the managed kernel).");
            }
        }
        if (gemm == "openblas")
        {
            // Fails now, before any stage runs, when the library is missing (the message says how to install it).
            GemmProviders.Create(gemm);
        }
        var threads = settings.Threads > 0 ? settings.Threads : Parallelism.ThreadCount;
        var numerics = new NumericsEnvironment(gemm, threads, ExperimentSchema.ChoiceName(settings.Dtype), ExperimentSchema.ChoiceName(settings.Backend), settings.Device);
        if (numerics.Torch is { Device: not "cpu" } torch)
        {
            // Fails now, before any stage runs, when this build has no such device (a CPU-only TorchSharp bundle).
            RuntimeSelection.EnsureDevice(torch);
        }
        return numerics;
    }

    /// <summary>The torch backend's settings for these numerics; null for the managed engine.</summary>
    public TorchSettings? Torch => Backend == TorchRuntime.BackendName
        ? new TorchSettings { Device = Device, Precision = Dtype == "bfloat16" ? TorchPrecision.BFloat16 : TorchPrecision.Float32, Threads = Threads }
        : null;

    /// <summary>The key entry "runtime" of a stage that runs the model: the torch runtime's Description; null for managed,
    /// whose keys keep their gemm entry alone (so they are the same as before the backend was a setting).</summary>
    public string? RuntimeKey => Torch?.Description;

    /// <summary>The factory StageModel loads the experiment's model with.</summary>
    public IModelRuntimeFactory RuntimeFactory() => Torch is { } torch ? new TorchRuntimeFactory(torch) : new ManagedRuntimeFactory();

    /// <summary>"managed GEMM, 2 threads" or "torch/cpu/float32/threads=2": what the build log says a stage computes with.</summary>
    public string Describe() => RuntimeKey ?? $"{Gemm} GEMM, {Threads} thread{(Threads == 1 ? "" : "s")}";

    /// <summary>Makes the engine use these settings (the GEMM provider and thread count stages then compute with).</summary>
    /// <exception cref="Unlearn.Numerics.Gemm.GemmConfigurationException">The provider is unknown or not installed.</exception>
    public void Apply()
    {
        if (GemmProviders.Current.Name != Gemm)
        {
            GemmProviders.Use(GemmProviders.Create(Gemm));
        }
        if (Parallelism.ThreadCount != Threads)
        {
            Parallelism.ThreadCount = Threads;
        }
    }
}
