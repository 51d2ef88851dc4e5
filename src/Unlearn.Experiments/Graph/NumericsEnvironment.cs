// The resolved number-changing settings: "auto" becomes the provider actually used, 0 threads becomes
// the actual thread count. Keys record resolved values, so a result computed with OpenBLAS is never
// reused for a managed-GEMM run on a machine without it.
// Resolution asks the engine itself: Gemm.Current (UNLEARN_GEMM, else OpenBLAS when libopenblas.so.0 loads,
// else managed) and Parallelism.ThreadCount (UNLEARN_THREADS, else the processor count).
using Unlearn.Experiments.Schema;
using Unlearn.Numerics.Threading;
using GemmProviders = Unlearn.Numerics.Gemm.Gemm;

namespace Unlearn.Experiments.Graph;

/// <param name="Gemm">Resolved provider name: managed, openblas or reference.</param>
/// <param name="Threads">Resolved worker thread count.</param>
/// <param name="Dtype">Compute dtype name.</param>
public sealed record NumericsEnvironment(string Gemm, int Threads, string Dtype)
{
    public static NumericsEnvironment Resolve(SettingsConfig settings)
    {
        var gemm = settings.Gemm == GemmProvider.Auto ? ResolveProvider() : ExperimentSchema.ChoiceName(settings.Gemm);
        var threads = settings.Threads > 0 ? settings.Threads : ThreadsFromEnvironment() ?? Environment.ProcessorCount;
        return new NumericsEnvironment(gemm, threads, ExperimentSchema.ChoiceName(settings.Dtype));
    }

    private static string ResolveProvider() => GemmProviders.Current.Name;

    private static int? ThreadsFromEnvironment() => Parallelism.ThreadCount;

    /// <summary>Makes the engine use these settings (the GEMM provider and thread count stages then compute with).</summary>
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
