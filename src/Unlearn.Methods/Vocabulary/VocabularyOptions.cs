// Settings of vocabulary pruning: the terms (every listed inflection), how a token matches them, whether the
// single-token encodings of each term are added, and whether embedding rows are zeroed as well.
namespace Unlearn.Methods.Vocabulary;

public enum VocabularyMatch
{
    /// <summary>The token's text, without its leading-space marker and lower-cased, equals a listed term (default).</summary>
    Word,

    /// <summary>The token's text contains a term anywhere: the seed's behaviour ("sit" catches "position", "visit").</summary>
    Substring,
}

public sealed record VocabularyOptions
{
    /// <summary>The concept's terms with every inflection to remove, e.g. [play, plays, played, playing].</summary>
    public required IReadOnlyList<string> Terms { get; init; }

    public VocabularyMatch Match { get; init; } = VocabularyMatch.Word;

    /// <summary>Add each term's encoding with and without a leading space, lower-case and capitalised, when it is a single token.</summary>
    public bool IncludeEncodings { get; init; } = true;

    /// <summary>Also zero the input-embedding rows of the pruned tokens (the logit mask is always applied).</summary>
    public bool ZeroEmbeddings { get; init; } = true;

    internal string[] NormalizedTerms()
    {
        var terms = Terms.Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();
        if (terms.Length == 0)
        {
            throw new ArgumentException("vocab.terms must list at least one non-empty term (the concept definition's terms and inflections).");
        }
        // Longest first, so a substring match reports "sitting" rather than "sit".
        return terms.Select(t => t.ToLowerInvariant()).Distinct().OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToArray();
    }
}
