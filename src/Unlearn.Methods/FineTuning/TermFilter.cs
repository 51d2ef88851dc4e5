// Removes every conversation that mentions a target term (whole-word, case-insensitive: TermMatcher) in any turn —
// system, user or assistant — so the repair data never shows the model a target word. Counts what it removed, and
// how often each term was the reason (a conversation mentioning two terms counts under both).
using Unlearn.Methods.Text;

namespace Unlearn.Methods.FineTuning;

public sealed record TermFilterResult(IReadOnlyList<Conversation> Kept, int Removed, IReadOnlyDictionary<string, int> RemovedByTerm)
{
    public int Total => Kept.Count + Removed;
}

public static class TermFilter
{
    public static TermFilterResult Apply(IEnumerable<Conversation> conversations, TermMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(matcher);
        var kept = new List<Conversation>();
        var byTerm = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in matcher.Terms)
        {
            byTerm[term] = 0;
        }
        int removed = 0;
        foreach (var conversation in conversations)
        {
            var terms = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var text in conversation.Texts)
            {
                foreach (var match in matcher.Matches(text))
                {
                    terms.Add(matcher.CanonicalTerm(match.Text));
                }
            }
            if (terms.Count == 0)
            {
                kept.Add(conversation);
                continue;
            }
            removed++;
            foreach (var term in terms)
            {
                byTerm[term]++;
            }
        }
        return new TermFilterResult(kept, removed, byTerm);
    }
}
