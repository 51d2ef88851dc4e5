// Leak patterns: regular expressions matched case-insensitively and word-bounded on both sides (the match must
// not start or end inside a word), so "play\w*" finds "playground" and "Playful" but not "display".
using System.Text.RegularExpressions;

namespace Unlearn.Evaluation.Metrics;

public sealed class LeakMatcher
{
    private const string WordCharacter = @"[\p{L}\p{N}\p{M}\p{Pc}]";
    private readonly Regex _regex;

    public LeakMatcher(IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0)
        {
            throw new ArgumentException("A leak matcher needs at least one pattern.");
        }
        Patterns = patterns.ToArray();
        string alternatives = string.Join("|", patterns.Select(p => $"(?:{p})"));
        _regex = new Regex($"(?<!{WordCharacter})(?:{alternatives})(?!{WordCharacter})",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public IReadOnlyList<string> Patterns { get; }

    public bool IsMatch(string text) => _regex.IsMatch(text);
}
