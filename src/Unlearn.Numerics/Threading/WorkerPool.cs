// A small fixed pool of background threads that runs one split job at a time: the caller runs part 0
// and worker w runs part w. Workers spin briefly after a job (the engine issues matmuls back to back)
// and then sleep on a monitor, so an idle pool costs no CPU. It is not a general scheduler: a job
// started while the pool is busy, or from inside a job, runs inline on the calling thread.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Unlearn.Numerics.Threading;

internal sealed class WorkerPool : IDisposable
{
    // How long an idle worker polls for the next job before sleeping. 200 µs covers the gap between
    // consecutive matmuls of a forward pass; a sleeping worker takes ~20-50 µs to wake.
    private static readonly long IdleSpinTicks = Stopwatch.Frequency / 5000;

    [ThreadStatic]
    private static bool insideJob;

    private readonly Thread[] workers;
    // tickets[w] is the generation of the last job that worker w takes part in: a worker that wakes late
    // must not mistake a newer job it is not part of for the one it woke for.
    private readonly int[] tickets;
    private readonly Lock runLock = new();
    private readonly object wakeMonitor = new();
    private readonly object doneMonitor = new();

    private Action<int>? indexBody;
    private Action<int, int>? rangeBody;
    private int jobParts;
    private int jobCount;
    private int pending;
    private int generation;
    private bool disposed;
    private Exception? failure;

    public WorkerPool(int participants)
    {
        workers = new Thread[participants - 1];
        tickets = new int[participants];
        for (int w = 0; w < workers.Length; w++)
        {
            int part = w + 1;
            workers[w] = new Thread(() => WorkerLoop(part))
            {
                IsBackground = true,
                Name = $"Unlearn worker {part}",
            };
            workers[w].Start();
        }
    }

    public int Participants => workers.Length + 1;

    /// <summary>
    /// Splits [0, count) into <paramref name="parts"/> contiguous ranges and runs range r as part r, either
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
            jobParts = parts;
            jobCount = count;
            failure = null;
            Volatile.Write(ref pending, parts - 1);
            lock (wakeMonitor)
            {
                int next = generation + 1;
                for (int part = 1; part < parts; part++)
                {
                    Volatile.Write(ref tickets[part], next);
                }
                Volatile.Write(ref generation, next);
                Monitor.PulseAll(wakeMonitor);
            }
            insideJob = true;
            try
            {
                RunPart(0, parts, count, perIndex, perRange);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
            finally
            {
                insideJob = false;
            }
            WaitForWorkers();
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
                Interlocked.Increment(ref generation);
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

    private void WaitForWorkers()
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref pending) != 0)
        {
            if (spinner.Count < 100)
            {
                // sleep1Threshold -1: yield rather than sleep, the workers are usually microseconds away.
                spinner.SpinOnce(-1);
                continue;
            }
            lock (doneMonitor)
            {
                while (Volatile.Read(ref pending) != 0)
                {
                    Monitor.Wait(doneMonitor);
                }
            }
        }
    }

    private void WorkerLoop(int part)
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
            if (Volatile.Read(ref tickets[part]) != seen)
            {
                continue;
            }
            try
            {
                RunPart(part, jobParts, jobCount, indexBody, rangeBody);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
            if (Interlocked.Decrement(ref pending) == 0)
            {
                lock (doneMonitor)
                {
                    Monitor.PulseAll(doneMonitor);
                }
            }
        }
    }

    private int WaitForJob(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            int current = Volatile.Read(ref generation);
            if (current != seen)
            {
                return current;
            }
            Thread.SpinWait(20);
        }
        lock (wakeMonitor)
        {
            while (Volatile.Read(ref generation) == seen)
            {
                Monitor.Wait(wakeMonitor);
            }
            return generation;
        }
    }
}
