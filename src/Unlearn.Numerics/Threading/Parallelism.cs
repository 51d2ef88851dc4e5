// The engine's one place for thread policy: how many threads numeric kernels use and how work is split
// among them. Splits are static and contiguous, so a body that writes disjoint outputs gives the same
// result whatever the scheduling. It is not a general task scheduler: no nesting (a nested call runs
// inline on the calling thread), no cancellation.
namespace Unlearn.Numerics.Threading;

public static class Parallelism
{
    /// <summary>Environment variable that overrides <see cref="ThreadCount"/> (a positive integer).</summary>
    public const string ThreadsVariable = "UNLEARN_THREADS";

    /// <summary>Upper bound on <see cref="ThreadCount"/>; far above any sensible value, it only guards typos.</summary>
    public const int MaximumThreadCount = 1024;

    private static readonly Lock Gate = new();
    private static int threadCount;
    private static WorkerPool? pool;

    /// <summary>
    /// Threads that numeric kernels (GEMM included) use: <see cref="Environment.ProcessorCount"/> unless
    /// <c>UNLEARN_THREADS</c> says otherwise. Setting it replaces the worker pool; results of the engine's
    /// kernels do not depend on it.
    /// </summary>
    public static int ThreadCount
    {
        get
        {
            int count = Volatile.Read(ref threadCount);
            return count > 0 ? count : InitializeThreadCount();
        }
        set
        {
            if (value < 1 || value > MaximumThreadCount)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(value), value, $"Parallelism.ThreadCount must be between 1 and {MaximumThreadCount}.");
            }
            WorkerPool? retired;
            lock (Gate)
            {
                if (value == threadCount)
                {
                    return;
                }
                retired = pool;
                pool = null;
                Volatile.Write(ref threadCount, value);
            }
            retired?.Dispose();
        }
    }

    /// <summary>Sets <see cref="ThreadCount"/> back to the default (environment variable or processor count).</summary>
    public static void ResetThreadCount() => ThreadCount = ReadDefaultThreadCount(Environment.GetEnvironmentVariable(ThreadsVariable));

    /// <summary>
    /// Runs <paramref name="body"/> once for every index in [0, <paramref name="count"/>). The indices are split
    /// into at most <see cref="ThreadCount"/> contiguous ranges of near-equal size; range r always holds the same
    /// indices and is run in ascending order by one thread. The first exception thrown is rethrown after all
    /// ranges have finished.
    /// </summary>
    public static void For(int count, Action<int> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(body);
        if (count == 0)
        {
            return;
        }
        int parts = Math.Min(count, ThreadCount);
        if (parts == 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
            return;
        }
        GetPool().Run(parts, count, body, null);
    }

    /// <summary>
    /// Splits [0, <paramref name="count"/>) into at most <see cref="ThreadCount"/> contiguous ranges of near-equal
    /// size (range r is [r·count/parts, (r+1)·count/parts)) and calls <paramref name="body"/>(start, endExclusive)
    /// once per range, each on one thread. Use it when a body wants to set up per-thread state once.
    /// </summary>
    public static void ForRange(int count, Action<int, int> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(body);
        if (count == 0)
        {
            return;
        }
        int parts = Math.Min(count, ThreadCount);
        if (parts == 1)
        {
            body(0, count);
            return;
        }
        GetPool().Run(parts, count, null, body);
    }

    /// <summary>Runs <paramref name="body"/>(part) for part in [0, <paramref name="parts"/>), one part per thread.</summary>
    internal static void RunParts(int parts, Action<int> body)
    {
        if (parts <= 1)
        {
            body(0);
            return;
        }
        GetPool().Run(parts, parts, body, null);
    }

    /// <summary>The start of range <paramref name="part"/> when [0, count) is split into <paramref name="parts"/> ranges.</summary>
    internal static int RangeStart(int part, int parts, int count) => (int)((long)part * count / parts);

    private static WorkerPool GetPool()
    {
        WorkerPool? current = Volatile.Read(ref pool);
        if (current is not null)
        {
            return current;
        }
        int count = ThreadCount;
        lock (Gate)
        {
            pool ??= new WorkerPool(Math.Max(count, 1));
            return pool;
        }
    }

    private static int InitializeThreadCount()
    {
        int count = ReadDefaultThreadCount(Environment.GetEnvironmentVariable(ThreadsVariable));
        lock (Gate)
        {
            if (threadCount == 0)
            {
                Volatile.Write(ref threadCount, count);
            }
            return threadCount;
        }
    }

    /// <summary>Parses <c>UNLEARN_THREADS</c>; null or empty means <see cref="Environment.ProcessorCount"/>.</summary>
    internal static int ReadDefaultThreadCount(string? variable)
    {
        if (string.IsNullOrWhiteSpace(variable))
        {
            return Math.Clamp(Environment.ProcessorCount, 1, MaximumThreadCount);
        }
        if (int.TryParse(variable.Trim(), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int parsed)
            && parsed >= 1 && parsed <= MaximumThreadCount)
        {
            return parsed;
        }
        throw new ParallelismConfigurationException(
            $"{ThreadsVariable}='{variable}' is not a thread count between 1 and {MaximumThreadCount}. " +
            $"Set it to a positive integer such as {Environment.ProcessorCount}, or unset it to use every processor.");
    }
}
