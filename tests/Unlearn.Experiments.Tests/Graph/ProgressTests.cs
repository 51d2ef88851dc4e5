using Unlearn.Experiments.Graph;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

public sealed class ProgressTests
{
    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan span) => Ticks += span.Ticks;
    }

    [Fact]
    public void Report_EveryInterval_WritesCountRateAndEta()
    {
        var log = new RecordingLog();
        var time = new ManualTime();
        var progress = new StageProgress("Saliency", log, time, TimeSpan.FromSeconds(5));

        progress.Report(0, 4000, "examples");
        time.Advance(TimeSpan.FromSeconds(2));
        progress.Report(620, 4000, "examples");
        time.Advance(TimeSpan.FromSeconds(3));
        progress.Report(1550, 4000, "examples");

        var line = Assert.Single(log.Lines);
        Assert.Equal(BuildLogLevel.Progress, line.Level);
        Assert.Equal("Saliency: 1550/4000 examples, 310/s, ETA 8 s", line.Message);
    }

    [Fact]
    public void Report_FastStage_WritesNothing()
    {
        var log = new RecordingLog();
        var time = new ManualTime();
        var progress = new StageProgress("PruneVocab", log, time, TimeSpan.FromSeconds(5));

        for (var i = 0; i <= 100; i++)
        {
            progress.Report(i, 100, "tokens");
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Empty(log.Lines);
    }

    [Fact]
    public void Report_LongStage_EndsWithAFinalLine()
    {
        var log = new RecordingLog();
        var time = new ManualTime();
        var progress = new StageProgress("Repair", log, time, TimeSpan.FromSeconds(5));

        for (var step = 0; step <= 12; step++)
        {
            progress.Report(step, 12, "steps");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, log.Lines.Count);
        Assert.StartsWith("Repair: 12/12 steps, ", log.Lines[^1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', string.Concat(log.Lines.Select(l => l.Message)));
    }

    [Theory]
    [InlineData(9, "9 s")]
    [InlineData(125, "2 min 5 s")]
    [InlineData(3780, "1 h 3 min")]
    public void Duration_Seconds_ReadsNaturally(int seconds, string expected)
    {
        Assert.Equal(expected, StageProgress.Duration(TimeSpan.FromSeconds(seconds)));
    }
}
