// The two clocks "compare gemm" can time with. Wall clock is what a user waits for. Process CPU time
// leaves out the time the process was descheduled, which makes numbers from a shared, busy machine usable:
// with --threads 1 it equals single-core throughput; with more threads flops per CPU-second measure work
// efficiency (busy-waiting threads count against it), not throughput.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Unlearn.Benchmarks;

internal static partial class GemmClock
{
    private const int ProcessCpuTimeClock = 2; // CLOCK_PROCESS_CPUTIME_ID on Linux

    /// <summary>Seconds on the chosen clock (an arbitrary origin; only differences mean anything).</summary>
    public static double Now(bool cpu)
    {
        if (!cpu)
        {
            return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        }
        if (OperatingSystem.IsLinux() && ClockGetTime(ProcessCpuTimeClock, out TimeSpec time) == 0)
        {
            return time.Seconds + time.Nanoseconds * 1e-9;
        }
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
