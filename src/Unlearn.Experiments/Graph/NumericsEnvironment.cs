// The resolved number-changing settings: "auto" becomes the provider actually used, 0 threads becomes
// the actual thread count. Keys record resolved values, so a result computed with OpenBLAS is never
// reused for a managed-GEMM run on a machine without it.
// Resolution mirrors the GEMM selection rule (UNLEARN_GEMM, else OpenBLAS when libopenblas.so.0
// loads, else managed) and UNLEARN_THREADS; once Unlearn.Numerics' Gemm.Current is available to this
// project, ResolveProvider should ask it instead.
using System.Globalization;
using System.Runtime.InteropServices;
using Unlearn.Experiments.Schema;

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

    private static string ResolveProvider()
    {
        var requested = Environment.GetEnvironmentVariable("UNLEARN_GEMM");
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var known = ExperimentSchema.ChoicesOf(typeof(GemmProvider)).Select(c => c.Name).Where(n => n != "auto").ToArray();
            return known.Contains(requested.Trim())
                ? requested.Trim()
                : throw new InvalidOperationException($"UNLEARN_GEMM='{requested}' is not one of {string.Join(", ", known)}.");
        }
        foreach (var name in new[] { "libopenblas.so.0", "libopenblas.so" })
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return "openblas";
            }
        }
        return "managed";
    }

    private static int? ThreadsFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("UNLEARN_THREADS");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var threads) && threads > 0 ? threads : null;
    }
}
