// Finds and binds libopenblas at run time (NativeLibrary.TryLoad + function pointers, no DllImport), so the
// engine runs without it and never throws when it is absent. Binds cblas_sgemm and the thread-count calls.
using System.Runtime.InteropServices;

namespace Unlearn.Numerics.Gemm;

internal sealed unsafe class OpenBlasLibrary
{
    /// <summary>Names tried in order: the Debian/Ubuntu runtime package's soname first, then the dev symlink.</summary>
    public static readonly IReadOnlyList<string> CandidateNames = OperatingSystem.IsWindows()
        ? ["libopenblas.dll", "openblas.dll"]
        : OperatingSystem.IsMacOS()
            ? ["libopenblas.0.dylib", "libopenblas.dylib"]
            : ["libopenblas.so.0", "libopenblas.so"];

    private static readonly Lazy<OpenBlasLibrary?> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private OpenBlasLibrary(string name, nint sgemm, nint setThreads, nint getThreads, nint getConfig)
    {
        Name = name;
        Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        SetNumThreads = (delegate* unmanaged<int, void>)setThreads;
        GetNumThreads = (delegate* unmanaged<int>)getThreads;
        GetConfig = (delegate* unmanaged<byte*>)getConfig;
    }

    /// <summary>The library if it could be loaded and exports cblas_sgemm; otherwise null.</summary>
    public static OpenBlasLibrary? Instance => Loaded.Value;

    public string Name { get; }

    /// <summary>cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc).</summary>
    public delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; }

    /// <summary>openblas_set_num_threads, or null in a build without it.</summary>
    public delegate* unmanaged<int, void> SetNumThreads { get; }

    /// <summary>openblas_get_num_threads, or null in a build without it.</summary>
    public delegate* unmanaged<int> GetNumThreads { get; }

    /// <summary>openblas_get_config, or null in a build without it.</summary>
    public delegate* unmanaged<byte*> GetConfig { get; }

    private static OpenBlasLibrary? Load()
    {
        foreach (string name in CandidateNames)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                continue;
            }
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
            {
                NativeLibrary.Free(handle);
                continue;
            }
            NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads);
            NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out nint getThreads);
            NativeLibrary.TryGetExport(handle, "openblas_get_config", out nint getConfig);
            // The handle stays open for the life of the process: the function pointers point into it.
            return new OpenBlasLibrary(name, sgemm, setThreads, getThreads, getConfig);
        }
        return null;
    }
}
