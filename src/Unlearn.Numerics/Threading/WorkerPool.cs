// A small fixed pool of background threads that runs one split job at a time. A job's parts are claimed
// from a counter by whichever thread gets there first, the caller included, so the caller never waits for
// a worker that has not woken yet (on a busy machine that can take milliseconds): it runs the unclaimed
// parts itself and waits only for parts already under way. Workers spin briefly after a job (the engine
// issues matmuls back to back) and then sleep on a monitor, so an idle pool costs no CPU.
// It is not a general scheduler: a job started while the pool is busy, or from inside a job, runs inline.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Unlearn.Numerics.Threading;

internal sealed class WorkerPool : IDisposable
{
    // How long an idle worker polls for the next job before sleeping. 200 µs covers the gap between
    // consecutive matmuls of a forward pass; a sleeping worker takes tens of µs (or a time slice) to wake.
    private static readonly long IdleSpinTicks = Stopwatch.Frequency / 5000;

    [ThreadStatic]
    private static bool insideJob;

    private readonly Thread[] workers;
    private readonly Lock runLock = new();
    private readonly object wakeMonitor = new();
    private readonly object doneMonitor = new();

    // Job generation (bits 32-63), part count (bits 16-31) and next unclaimed part (bits 0-15), updated
    // together so that a worker that wakes late cannot claim a part of a newer job while believing it belongs
    // to an older one. Participants are at most Parallelism.MaximumThreadCount (1024), so 16 bits suffice.
    private long claimState;
    private Action<int>? indexBody;
    private Action<int, int>? rangeBody;
    private int jobCount;
    private int completed;
    private bool disposed;
    private Exception? failure;

    public WorkerPool(int participants)
    {
        workers = new Thread[participants - 1];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"Unlearn worker {w + 1}",
            };
            workers[w].Start();
        }
    }

    public int Participants => workers.Length + 1;

    /// <summary>
    /// Splits [0, count) into <paramref name="parts"/> contiguous ranges and runs each range on one thread,
    /// index by index (<paramref name="perIndex"/>) or as one call (<paramref name="perRange"/>).
    /// </summary>
    public void Run(int parts, int count, Action<int>? perIndex, Action<int, int>? perRange)
    {
        parts = Math.Min(parts, Participants);
        if (parts <= 1 || insideJob || !runLock.TryEnter())
        {
            for (int part = 0; part < parts; part++)
            {
                RunPart(part, parts, count, perIndex, perRange);
            }
            return;
        }
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            indexBody = perIndex;
            rangeBody = perRange;
            jobCount = count;
            failure = null;
            Volatile.Write(ref completed, 0);
            int generation = (int)(Volatile.Read(ref claimState) >> 32) + 1;
            lock (wakeMonitor)
            {
                Interlocked.Exchange(ref claimState, ((long)generation << 32) | ((long)parts << 16));
                Monitor.PulseAll(wakeMonitor);
            }
            insideJob = true;
            try
            {
                RunClaimedParts(generation);
            }
            finally
            {
                insideJob = false;
            }
            WaitForCompletion(parts);
            indexBody = null;
            rangeBody = null;
            if (failure is { } error)
            {
                failure = null;
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            runLock.Exit();
        }
    }

    public void Dispose()
    {
        lock (runLock)
        {
            lock (wakeMonitor)
            {
                disposed = true;
                Interlocked.Add(ref claimState, 1L << 32);
                Monitor.PulseAll(wakeMonitor);
            }
        }
    }

    private static void RunPart(int part, int parts, int count, Action<int>? perIndex, Action<int, int>? perRange)
    {
        int start = Parallelism.RangeStart(part, parts, count);
        int end = Parallelism.RangeStart(part + 1, parts, count);
        if (perRange is not null)
        {
            if (end > start)
            {
                perRange(start, end);
            }
            return;
        }
        for (int i = start; i < end; i++)
        {
            perIndex!(i);
        }
    }

    /// <summary>Claims and runs parts of job <paramref name="generation"/> until none is left.</summary>
    private void RunClaimedParts(int generation)
    {
        while (true)
        {
            long state = Volatile.Read(ref claimState);
            int part = (int)(state & 0xFFFF);
            int parts = (int)((state >> 16) & 0xFFFF);
            if ((int)(state >> 32) != generation || part >= parts)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref claimState, state + 1, state) != state)
            {
                continue;
            }
            // The job cannot finish before this part does, so its fields stay valid while it runs.
            try
            {
                RunPart(part, parts, jobCount, indexBody, rangeBody);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
            if (Interlocked.Increment(ref completed) == parts)
            {
                lock (doneMonitor)
                {
                    Monitor.PulseAll(doneMonitor);
                }
            }
        }
    }

    private void WaitForCompletion(int parts)
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref completed) != parts)
        {
            if (spinner.Count < 100)
            {
                // sleep1Threshold -1: yield rather than sleep, a claimed part is usually close to done.
                spinner.SpinOnce(-1);
                continue;
            }
            lock (doneMonitor)
            {
                while (Volatile.Read(ref completed) != parts)
                {
                    Monitor.Wait(doneMonitor);
                }
            }
        }
    }

    private void WorkerLoop()
    {
        insideJob = true;
        // Generation 0 is the pool's state before any job; a worker that starts late still sees job 1.
        int seen = 0;
        while (true)
        {
            seen = WaitForJob(seen);
            if (Volatile.Read(ref disposed))
            {
                return;
            }
            RunClaimedParts(seen);
        }
    }

    private int WaitForJob(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            int current = (int)(Volatile.Read(ref claimState) >> 32);
            if (current != seen)
            {
                return current;
            }
            Thread.SpinWait(20);
        }
        lock (wakeMonitor)
        {
            while ((int)(Volatile.Read(ref claimState) >> 32) == seen)
            {
                Monitor.Wait(wakeMonitor);
            }
            return (int)(Volatile.Read(ref claimState) >> 32);
        }
    }
}
