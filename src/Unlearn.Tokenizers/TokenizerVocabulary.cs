// The vocabulary of a tokenizer laid out for writing it in another format (GGUF's tokenizer.ggml.* arrays): every
// id's string with its kind, the merges as string pairs in rank order, and which family of pre-tokenizer splits the
// text. Read-only; made by Tokenizer.DescribeVocabulary.
namespace Unlearn.Tokenizers;

public enum TokenKind
{
    /// <summary>An ordinary vocabulary entry.</summary>
    Normal,

    /// <summary>The unknown token (&lt;unk&gt;).</summary>
    Unknown,

    /// <summary>An added token flagged special (BOS, EOS, &lt;|eot_id|&gt;, ...).</summary>
    Control,

    /// <summary>An added token that is not special (matched in text like a word).</summary>
    UserDefined,

    /// <summary>A SentencePiece byte-fallback piece &lt;0xNN&gt;.</summary>
    Byte,

    /// <summary>An id with no string (a padded vocabulary).</summary>
    Unused,
}

public enum PreTokenizerFamily
{
    /// <summary>No split before BPE (SentencePiece style: Metaspace or a ▁-prepending normalizer).</summary>
    SentencePiece,

    /// <summary>The Llama 3 regex (digits in runs of up to three).</summary>
    Llama3,

    /// <summary>Qwen2's regex (the Llama 3 regex with single digits).</summary>
    Qwen2,

    /// <summary>GPT-2's byte-level regex.</summary>
    Gpt2,

    /// <summary>Anything else (a custom regex or pre-tokenizer chain).</summary>
    Other,
}

/// <param name="Tokens">String of each id (the model's own form: "Ġplay", "▁play", "&lt;0x0A&gt;", added tokens as written); null where unused.</param>
/// <param name="Kinds">Kind of each id.</param>
/// <param name="Merges">Merge rules in rank order as (left, right) strings.</param>
/// <param name="MergeRanks">For each id, the rank of the first merge that produces it, or -1 (single symbols, bytes, added tokens).</param>
/// <param name="ByteLevel">GPT-2 byte-level strings (else SentencePiece strings with ▁ for space).</param>
/// <param name="ByteFallback">Unknown characters are spelled as &lt;0xNN&gt; pieces.</param>
/// <param name="IgnoreMerges">A whole pre-token found in the vocabulary is taken as it is (Llama 3).</param>
public sealed record TokenizerVocabulary(
    IReadOnlyList<string?> Tokens,
    IReadOnlyList<TokenKind> Kinds,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<int> MergeRanks,
    bool ByteLevel,
    bool ByteFallback,
    bool IgnoreMerges,
    PreTokenizerFamily PreTokenizer);
