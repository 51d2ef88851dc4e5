// The one "did you mean ...?" of the project: the candidate nearest to a misspelt name by optimal string alignment
// distance (Levenshtein plus adjacent transpositions), offered only within a caller-given distance. Tensor-name
// errors, expectation keys and every experiment diagnostic use it; the callers choose how far a plausible typo goes.
// The candidate lists are at most a few hundred names, so the quadratic distance is negligible.
namespace Unlearn.Models.Formats;

public static class NameSuggestions
{
    /// <summary>
    /// The candidate nearest to <paramref name="name"/> (ties: the ordinally smallest), or null when none is within
    /// <paramref name="maxDistance"/> edits. <paramref name="ignoreCase"/> compares invariant lower case.
    /// </summary>
    public static string? Nearest(string name, IEnumerable<string> candidates, int maxDistance, bool ignoreCase = false)
    {
        string written = ignoreCase ? name.ToLowerInvariant() : name;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            if (Math.Abs(candidate.Length - name.Length) > maxDistance)
            {
                continue; // the distance is at least the length difference
            }
            int distance = EditDistance(written, ignoreCase ? candidate.ToLowerInvariant() : candidate);
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= maxDistance ? best : null;
    }

    /// <summary>"; did you mean 'x'?" for the nearest candidate within <paramref name="maxDistance"/>, or "".</summary>
    public static string Hint(string name, IEnumerable<string> candidates, int maxDistance) =>
        Nearest(name, candidates, maxDistance) is { } nearest ? $"; did you mean '{nearest}'?" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.</summary>
    public static int EditDistance(string a, string b)
    {
        // Three rows: two back (for transpositions), previous and current.
        var twoBack = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, twoBack[j - 2] + 1);
                }
                current[j] = value;
            }
            (twoBack, previous, current) = (previous, current, twoBack);
        }
        return previous[b.Length];
    }
}
