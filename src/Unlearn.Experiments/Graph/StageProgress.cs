// Progress of a long stage: the stage calls Report(done, total, unit) as often as it likes; at most
// every Interval a plain line "Saliency: 1200/4000 examples, 310/s, ETA 9 s" goes to the log (no ANSI
// codes: MSBuild logs and CI need plain lines). The rate is averaged since the first report, which is
// steadier than an instantaneous rate for stages with uneven batches. Safe to call from any thread.
using System.Globalization;

namespace Unlearn.Experiments.Graph;

public sealed class StageProgress
{
    private readonly string stage;
    private readonly IBuildLog log;
    private readonly TimeProvider time;
    private readonly TimeSpan interval;
    private readonly object gate = new();
    private long startTimestamp = -1;
    private long lastPrintedTimestamp;
    private bool printedAny;
    private bool printedFinal;

    public StageProgress(string stage, IBuildLog log, TimeProvider time, TimeSpan interval)
    {
        this.stage = stage;
        this.log = log;
        this.time = time;
        this.interval = interval;
    }

    /// <summary>Number of progress lines written so far.</summary>
    public int LinesWritten { get; private set; }

    /// <param name="done">Units finished so far.</param>
    /// <param name="total">Units in all (0 when unknown).</param>
    /// <param name="unit">Plural noun of the unit ("examples", "tokens", "steps").</param>
    public void Report(long done, long total, string unit)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            if (startTimestamp < 0)
            {
                startTimestamp = now;
                lastPrintedTimestamp = now;
                return;
            }
            var finished = total > 0 && done >= total;
            var due = time.GetElapsedTime(lastPrintedTimestamp, now) >= interval;
            // The final line is written only when earlier lines were: a fast stage stays silent.
            if (!(due || (finished && printedAny && !printedFinal)))
            {
                return;
            }
            lastPrintedTimestamp = now;
            printedAny = true;
            printedFinal |= finished;
            LinesWritten++;
            log.Write(BuildLogLevel.Progress, Format(done, total, unit, time.GetElapsedTime(startTimestamp, now)));
        }
    }

    internal string Format(long done, long total, string unit, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var rateText = rate >= 10 ? Math.Round(rate).ToString(CultureInfo.InvariantCulture) : rate.ToString("0.0", CultureInfo.InvariantCulture);
        var counts = total > 0 ? $"{done}/{total} {unit}" : $"{done} {unit}";
        var line = $"{stage}: {counts}, {rateText}/s";
        if (total > 0 && done < total && rate > 0)
        {
            line += ", ETA " + Duration(TimeSpan.FromSeconds((total - done) / rate));
        }
        return line;
    }

    /// <summary>"9 s", "2 min 5 s", "1 h 3 min".</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        if (seconds < 60)
        {
            return $"{seconds} s";
        }
        if (seconds < 3600)
        {
            return $"{seconds / 60} min {seconds % 60} s";
        }
        return $"{seconds / 3600} h {seconds % 3600 / 60} min";
    }
}
