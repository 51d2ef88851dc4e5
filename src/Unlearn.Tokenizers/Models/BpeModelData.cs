// Everything a BPE model is built from, whichever file format it came from (tokenizer.json, vocab+merges,
// tiktoken ranks, SentencePiece, llama2.c). Formats convert to this; BpeModel never sees a file.
namespace Unlearn.Tokenizers.Models;

internal sealed class BpeModelData
{
    /// <summary>Vocabulary strings as Hugging Face writes them ("Ġplay", "▁play"), indexed by id; null for unused ids.
    /// May be left null when <see cref="TokenTable"/> is given (strings are then made on demand from it).</summary>
    public string?[]? Tokens { get; init; }

    /// <summary>One past the largest id; needed only when <see cref="Tokens"/> is null.</summary>
    public int Size { get; init; }

    /// <summary>The UTF-8 of each vocabulary string -> id, when the reader already built it (saves rebuilding it).</summary>
    public ByteSequenceTable? TokenTable { get; init; }

    /// <summary>Merges in rank order as (left id, right id, merged id).</summary>
    public required IReadOnlyList<(int Left, int Right, int Merged)> Merges { get; init; }

    /// <summary>True for GPT-2-style byte-level vocabularies: strings are the byte-to-unicode images of raw bytes.</summary>
    public bool ByteLevel { get; init; }

    public string? UnknownToken { get; init; }

    public bool FuseUnknown { get; init; }

    public bool ByteFallback { get; init; }

    public bool IgnoreMerges { get; init; }

    public string ContinuingSubwordPrefix { get; init; } = "";

    public string EndOfWordSuffix { get; init; } = "";
}
