// "Did you mean ...?" for unknown keys and values in experiments: NameSuggestions (Unlearn.Models) with the experiment
// diagnostics' tolerance — case-insensitive, up to a third of the written length (at least 2 edits), which catches
// transpositions, a dropped letter and "prune_percentage" → "prune_fraction"-style near misses.
using Unlearn.Models.Formats;

namespace Unlearn.Experiments.Diagnostics;

public static class Suggestions
{
    /// <summary>The nearest candidate, or null when none is within a plausible typo distance.</summary>
    public static string? Nearest(string written, IEnumerable<string> candidates) =>
        NameSuggestions.Nearest(written, candidates, Math.Max(2, written.Length / 3), ignoreCase: true);

    /// <summary>" Did you mean 'x'?" or an empty string.</summary>
    public static string DidYouMean(string written, IEnumerable<string> candidates)
    {
        var nearest = Nearest(written, candidates);
        return nearest is null ? "" : $" Did you mean '{nearest}'?";
    }
}
