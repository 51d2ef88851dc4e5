// Plain-text tables for build logs and the CLI: the end-of-build summary
// (Target | Status | Reason | Duration | Key) and the Status table. No ANSI codes, fixed columns.
using System.Globalization;
using System.Text;

namespace Unlearn.Experiments.Graph;

public static class Tables
{
    private const int ReasonWidth = 72;

    /// <summary>The summary printed after a build, one line per stage that took part.</summary>
    /// <summary>The summary printed after a build, one line per stage that took part, then the views the build wrote
    /// ("Report: artifacts/play-stories260K/report.html (also report.md, metrics.json)").</summary>
    public static IReadOnlyList<string> Summary(IEnumerable<StageOutcome> outcomes)
    {
        var list = outcomes.ToList();
        var lines = Format(["Target", "Status", "Reason", "Duration", "Key"],
            list.Select(o => new[] { o.Stage, o.StatusText, Clip(o.Reason), Seconds(o.Duration), Short(o.Key) })).ToList();
        foreach (var outcome in list.Where(o => o.Published.Count > 0).GroupBy(o => o.Stage).Select(g => g.Last()))
        {
            var others = outcome.Published.Skip(1).Select(Path.GetFileName).ToArray();
            lines.Add($"Report: {outcome.Published[0]}{(others.Length > 0 ? $" (also {string.Join(", ", others)})" : "")}");
        }
        return lines;
    }

    /// <summary>What Status prints: each stage, what a build would do, and why.</summary>
    public static IReadOnlyList<string> Status(IEnumerable<StagePlanEntry> plan) =>
        Format(["Target", "Status", "Reason", "Key"],
            plan.Select(p => new[] { p.Stage, p.PlanText, Clip(p.Reason), Short(p.Key) }));

    private static IReadOnlyList<string> Format(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        var lines = new List<string>();
        foreach (var (row, index) in all.Select((r, i) => (r, i)))
        {
            var builder = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                builder.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }
            lines.Add(builder.ToString().TrimEnd());
            if (index == 0)
            {
                lines.Add(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }
        return lines;
    }

    private static string Short(string key) => key.Length >= 12 ? key[..12] : key;

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string Clip(string reason) => reason.Length > ReasonWidth ? reason[..(ReasonWidth - 1)] + "…" : reason;
}
