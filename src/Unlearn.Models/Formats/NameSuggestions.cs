// Finds the closest existing name to a misspelt one ("did you mean ...?") for not-found errors.
// Plain Levenshtein distance; the candidate lists here are a few hundred tensor names, so the
// quadratic cost is negligible next to opening the file.
namespace Unlearn.Models.Formats;

internal static class NameSuggestions
{
    /// <summary>The candidate nearest to <paramref name="name"/>, or null when nothing is reasonably close.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        // Allow about one edit in four characters, at least 3: catches "q_proj"/"k_proj" and
        // "model.layer.0" / "model.layers.0", not unrelated names.
        int limit = Math.Max(3, name.Length / 4);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            if (Math.Abs(candidate.Length - name.Length) > limit)
            {
                continue;
            }
            int distance = Distance(name, candidate);
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    private static int Distance(string a, string b)
    {
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
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
