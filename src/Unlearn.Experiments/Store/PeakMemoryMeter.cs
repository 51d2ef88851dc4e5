// Peak resident memory of a stage. On Linux the kernel's high-water mark (VmHWM) is reset by writing
// "5" to /proc/self/clear_refs before the stage and read from /proc/self/status after it, which gives
// the peak during the stage. Elsewhere (or if the reset is refused) the process's lifetime peak
// working set is recorded, an upper bound that includes the host (MSBuild, the CLI). The manifest
// says which method was used. The measure is process-wide, so stages must not run concurrently in
// one process for it to be exact (the framework runs them one at a time).
using System.Diagnostics;
using System.Globalization;

namespace Unlearn.Experiments.Store;

internal sealed class PeakMemoryMeter
{
    public const string ResetMethod = "VmHWM after clear_refs reset (peak RSS during the stage)";
    public const string LifetimeMethod = "process lifetime peak working set (upper bound)";

    private readonly bool reset;

    private PeakMemoryMeter(bool reset)
    {
        this.reset = reset;
    }

    public static PeakMemoryMeter Start()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
                return new PeakMemoryMeter(true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Some sandboxes refuse the write; fall back to the lifetime peak.
            }
        }
        return new PeakMemoryMeter(false);
    }

    public (long Bytes, string Method) Stop()
    {
        if (reset && ReadHighWaterMark() is { } bytes)
        {
            return (bytes, ResetMethod);
        }
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (process.PeakWorkingSet64, LifetimeMethod);
    }

    private static long? ReadHighWaterMark()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
