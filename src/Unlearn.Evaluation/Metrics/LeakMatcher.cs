// Leak patterns: regular expressions matched case-insensitively and word-bounded on both sides (the match must
// not start or end inside a word), so "play\w*" finds "playground" and "Playful" but not "display". Related
// entities (names, phrases) are matched the same way, literally (regex-escaped): "Nolan" finds "Christopher Nolan"
// but not "Nolanville" — what the seed's substring/regex detector missed or over-matched (seeds-spec B-7).
using System.Text.RegularExpressions;

namespace Unlearn.Evaluation.Metrics;

public sealed class LeakMatcher
{
    private const string WordCharacter = @"[\p{L}\p{N}\p{M}\p{Pc}]";
    private readonly Regex _regex;

    public LeakMatcher(IReadOnlyList<string> patterns, IReadOnlyList<string>? entities = null)
    {
        entities ??= [];
        if (patterns.Count + entities.Count == 0)
        {
            throw new ArgumentException("A leak matcher needs at least one pattern or entity.");
        }
        Patterns = patterns.ToArray();
        Entities = entities.ToArray();
        string alternatives = string.Join("|", patterns.Select(p => $"(?:{p})").Concat(entities.Select(e => $"(?:{Regex.Escape(e.Trim())})")));
        _regex = new Regex($"(?<!{WordCharacter})(?:{alternatives})(?!{WordCharacter})",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public IReadOnlyList<string> Patterns { get; }

    public IReadOnlyList<string> Entities { get; }

    public bool IsMatch(string text) => _regex.IsMatch(text);
}
