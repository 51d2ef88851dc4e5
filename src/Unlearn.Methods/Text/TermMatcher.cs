// Whole-word, case-insensitive matching of a concept's terms and their listed inflections. "sit" matches
// "Sit down." and "sit's" but not "position" or "sitting" (unless "sitting" is listed). A word boundary is any
// character that is not a letter, digit, combining mark or connector (so "play-date" contains "play").
// Used wherever the system decides whether text mentions the concept: example mining, repair-set filtering,
// target rates, leak and substitution rates.
using System.Text.RegularExpressions;

namespace Unlearn.Methods.Text;

public sealed class TermMatcher
{
    private readonly Regex _regex;

    public TermMatcher(IEnumerable<string> terms)
    {
        Terms = terms
            .Select(t => t.Trim())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(t => t.Length)
            .ThenBy(t => t, StringComparer.Ordinal)
            .ToArray();
        if (Terms.Count == 0)
        {
            throw new ArgumentException("A term matcher needs at least one non-empty term.");
        }
        string alternatives = string.Join("|", Terms.Select(Regex.Escape));
        _regex = new Regex(
            $@"(?<![\p{{L}}\p{{N}}\p{{M}}\p{{Pc}}])(?:{alternatives})(?![\p{{L}}\p{{N}}\p{{M}}\p{{Pc}}])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>The distinct terms, longest first (so "sitting" wins over "sit" at the same position).</summary>
    public IReadOnlyList<string> Terms { get; }

    public bool IsMatch(string text) => _regex.IsMatch(text);

    /// <summary>Every whole-word occurrence, in order.</summary>
    public IEnumerable<TermMatch> Matches(string text)
    {
        foreach (Match m in _regex.Matches(text))
        {
            yield return new TermMatch(m.Index, m.Length, m.Value);
        }
    }

    public int Count(string text) => _regex.Count(text);

    /// <summary>The term (as listed) that a matched word stands for.</summary>
    public string CanonicalTerm(string matchedText) =>
        Terms.First(t => string.Equals(t, matchedText, StringComparison.OrdinalIgnoreCase));
}

public readonly record struct TermMatch(int Index, int Length, string Text);
