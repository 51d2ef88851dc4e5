// What vocabulary pruning produces: the pruned tokens with why each was chosen, how each term encodes (and
// whether that encoding was added), and how many spellings of each term the pruned model can still produce.
using Unlearn.Models.Edits;

namespace Unlearn.Methods.Vocabulary;

/// <summary>Why a token is pruned.</summary>
public enum PruneReason
{
    /// <summary>Its text equals a term (match: word).</summary>
    Word,

    /// <summary>Its text contains a term (match: substring).</summary>
    Substring,

    /// <summary>A term encodes to exactly this token.</summary>
    Encoding,
}

/// <summary>A pruned token: id, vocabulary string, decoded text, the term it stands for, why, and the term variants that encode to it alone.</summary>
public sealed record PrunedToken(int Id, string Token, string Text, string Term, PruneReason Reason, IReadOnlyList<string> Encodings);

/// <summary>How a variant of a term ("play", " play", "Play", " Play") encodes; added when it is one non-special token.</summary>
public sealed record TermEncoding(string Term, string Variant, IReadOnlyList<int> Ids, bool Added);

/// <summary>Distinct token sequences that decode exactly to a variant's text: single-token and multi-token, before and after pruning.</summary>
public sealed record SpellingCount(string Term, string Variant, long SingleBefore, long MultiBefore, long SingleRemaining, long MultiRemaining);

public sealed class VocabularyResult
{
    internal VocabularyResult(
        VocabularyOptions options, int vocabSize, IReadOnlyList<int> excludedSpecialIds, int incompleteUtf8Tokens,
        IReadOnlyList<PrunedToken> tokens, IReadOnlyList<TermEncoding> encodings, IReadOnlyList<SpellingCount> spellings)
    {
        Options = options;
        VocabSize = vocabSize;
        ExcludedSpecialIds = excludedSpecialIds;
        IncompleteUtf8Tokens = incompleteUtf8Tokens;
        Tokens = tokens;
        Encodings = encodings;
        Spellings = spellings;
    }

    public VocabularyOptions Options { get; }

    public int VocabSize { get; }

    /// <summary>Special ids (BOS, EOS, pad, unk, added specials) never pruned.</summary>
    public IReadOnlyList<int> ExcludedSpecialIds { get; }

    /// <summary>Tokens whose bytes are not complete UTF-8 on their own (never matched).</summary>
    public int IncompleteUtf8Tokens { get; }

    /// <summary>Pruned tokens, ascending id.</summary>
    public IReadOnlyList<PrunedToken> Tokens { get; }

    public IReadOnlyList<TermEncoding> Encodings { get; }

    public IReadOnlyList<SpellingCount> Spellings { get; }

    public IReadOnlyList<int> MaskedLogits => Tokens.Select(t => t.Id).ToArray();

    public IReadOnlyList<int> ZeroedEmbeddingRows => Options.ZeroEmbeddings ? MaskedLogits : [];

    public ModelEdits ToModelEdits() => new(new Dictionary<string, int[]>(), MaskedLogits, ZeroedEmbeddingRows);
}
