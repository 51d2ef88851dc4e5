// The resolved number-changing settings: "auto" becomes the provider actually used, 0 threads becomes
// the actual thread count. Keys record resolved values, so a result computed with OpenBLAS is never
// reused for a managed-GEMM run.
// The GEMM provider is the managed kernel unless the experiment (settings.gemm) or UNLEARN_GEMM names another:
// what a machine happens to have installed never changes a key. Threads: UNLEARN_THREADS, else the processor count.
using Unlearn.Experiments.Schema;
using Unlearn.Numerics.Threading;
using GemmProviders = Unlearn.Numerics.Gemm.Gemm;

namespace Unlearn.Experiments.Graph;

/// <param name="Gemm">Resolved provider name: managed, openblas or reference.</param>
/// <param name="Threads">Resolved worker thread count.</param>
/// <param name="Dtype">Compute dtype name.</param>
public sealed record NumericsEnvironment(string Gemm, int Threads, string Dtype)
{
    /// <summary>The provider of settings.gemm auto when UNLEARN_GEMM is unset.</summary>
    public const string DefaultGemm = "managed";

    public static NumericsEnvironment Resolve(SettingsConfig settings) =>
        Resolve(settings, Environment.GetEnvironmentVariable(GemmProviders.ProviderVariable));

    /// <summary>Resolution given the value of UNLEARN_GEMM (null or blank: unset). Probes OpenBLAS only when it is asked for.</summary>
    /// <exception cref="Unlearn.Numerics.Gemm.GemmConfigurationException">UNLEARN_GEMM names no provider, or OpenBLAS is asked for and not installed.</exception>
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
        return new NumericsEnvironment(gemm, threads, ExperimentSchema.ChoiceName(settings.Dtype));
    }

    /// <summary>"managed GEMM, 2 threads": what the build log says a stage computes with.</summary>
    public string Describe() => $"{Gemm} GEMM, {Threads} thread{(Threads == 1 ? "" : "s")}";

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
