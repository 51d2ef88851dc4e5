// The completions the report shows side by side: for a few (prompt, seed, sample) draws — the same draw for every
// variant, since sampling is paired — what each variant wrote. Draws where the reference variant used the concept
// come first (that is what the edits are meant to change), spread over as many prompts as possible; the concept's
// terms are marked wherever they occur.
using Unlearn.Methods.Text;

namespace Unlearn.Evaluation.Reports;

internal sealed record CompletionCell(string Variant, IReadOnlyList<(string Text, bool IsTerm)> Segments);

/// <param name="ReferenceUsesConcept">Whether the reference variant's completion contains a target term.</param>
internal sealed record CompletionRow(string Prompt, ulong Seed, int Sample, bool ReferenceUsesConcept, IReadOnlyList<CompletionCell> Cells);

internal static class SideBySide
{
    public static IReadOnlyList<CompletionRow> Choose(EvaluationResult result, int count)
    {
        if (count <= 0)
        {
            return [];
        }
        var concept = result.Samples.Where(s => s.Set == Evaluator.ConceptSet).ToList();
        var reference = result.Settings.ReferenceVariant;
        var draws = concept.Where(s => s.Variant == (result.Variants.Contains(reference) ? reference : result.Variants[0]))
            .OrderBy(s => s.Match ? 0 : 1).ThenBy(s => s.Seed).ThenBy(s => s.Sample).ThenBy(s => s.PromptIndex)
            .ToList();
        var chosen = new List<SampleRecord>();
        var prompts = new HashSet<int>();
        foreach (var pass in new[] { true, false })
        {
            foreach (var draw in draws.Where(d => !chosen.Contains(d) && (!pass || !prompts.Contains(d.PromptIndex))))
            {
                if (chosen.Count == count)
                {
                    break;
                }
                if (!pass || draw.Match)
                {
                    chosen.Add(draw);
                    prompts.Add(draw.PromptIndex);
                }
            }
        }
        var matcher = result.Data.TargetTerms.Any(t => t.Trim().Length > 0) ? new TermMatcher(result.Data.TargetTerms) : null;
        var byDraw = concept.ToLookup(s => (s.PromptIndex, s.Seed, s.Sample));
        return chosen.OrderBy(d => d.Match ? 0 : 1).ThenBy(d => d.PromptIndex).ThenBy(d => d.Seed).ThenBy(d => d.Sample)
            .Select(d => new CompletionRow(d.Prompt, d.Seed, d.Sample, d.Match, result.Variants
                .Select(v => new CompletionCell(v, Segments(byDraw[(d.PromptIndex, d.Seed, d.Sample)].FirstOrDefault(s => s.Variant == v)?.Text ?? "", matcher)))
                .ToList()))
            .ToList();
    }

    private static List<(string, bool)> Segments(string text, TermMatcher? matcher)
    {
        var segments = new List<(string, bool)>();
        var at = 0;
        foreach (var match in matcher?.Matches(text) ?? [])
        {
            if (match.Index > at)
            {
                segments.Add((text[at..match.Index], false));
            }
            segments.Add((match.Text, true));
            at = match.Index + match.Length;
        }
        if (at < text.Length || segments.Count == 0)
        {
            segments.Add((text[at..], false));
        }
        return segments;
    }
}
