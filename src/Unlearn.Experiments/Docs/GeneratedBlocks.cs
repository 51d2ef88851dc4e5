// Blocks of a Markdown file that a command writes rather than a person, so that numbers in the README cannot go stale:
//   <!-- BEGIN GENERATED: report play-stories260K --markdown-table -->
//   ...
//   <!-- END GENERATED -->
// The text after "GENERATED:" names the source: "report EXPERIMENT --markdown-table [--metrics a,b]" (the results table
// of the experiment's current metrics.json) or "file PATH" (a file, relative to the repository root, that a benchmark
// wrote). `unlearn readme` rewrites every block; `unlearn readme --check` fails when one differs from its source.
using System.Text;
using System.Text.RegularExpressions;

namespace Unlearn.Experiments.Docs;

/// <param name="Line">1-based line of the BEGIN marker.</param>
/// <param name="Source">What the marker names as the block's source.</param>
/// <param name="Content">The lines between the markers, "\n"-joined with a final "\n" (empty for an empty block).</param>
public sealed record GeneratedBlock(int Line, string Source, string Content);

public static partial class GeneratedBlocks
{
    public const string EndMarker = "<!-- END GENERATED -->";

    [GeneratedRegex(@"^<!-- BEGIN GENERATED: (?<source>.+?) -->\s*$")]
    private static partial Regex BeginMarker();

    /// <exception cref="FormatException">A block is not closed, or blocks are nested.</exception>
    public static IReadOnlyList<GeneratedBlock> Find(string text)
    {
        var blocks = new List<GeneratedBlock>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var begin = BeginMarker().Match(lines[i]);
            if (!begin.Success)
            {
                continue;
            }
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == EndMarker || BeginMarker().IsMatch(l));
            if (end < 0 || lines[end].Trim() != EndMarker)
            {
                throw new FormatException($"line {i + 1}: the generated block '{begin.Groups["source"].Value}' has no '{EndMarker}' before the next block or the end of the file.");
            }
            var content = end == i + 1 ? "" : string.Join("\n", lines[(i + 1)..end]) + "\n";
            blocks.Add(new GeneratedBlock(i + 1, begin.Groups["source"].Value.Trim(), content));
            i = end;
        }
        return blocks;
    }

    /// <summary>The text with every block's content replaced by what <paramref name="produce"/> gives for its source.</summary>
    public static string Regenerate(string text, Func<string, string> produce)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var lines = normalized.Split('\n');
        var result = new StringBuilder();
        var blocks = Find(normalized).ToDictionary(b => b.Line - 1);
        for (var i = 0; i < lines.Length; i++)
        {
            result.Append(lines[i]);
            if (i < lines.Length - 1)
            {
                result.Append('\n');
            }
            if (blocks.TryGetValue(i, out var block))
            {
                var content = produce(block.Source);
                result.Append(content.Length == 0 || content.EndsWith('\n') ? content : content + "\n");
                i = Array.FindIndex(lines, i + 1, l => l.Trim() == EndMarker) - 1;
            }
        }
        return result.ToString();
    }
}
