// The result of Tokenizer.EncodeWithOffsets: ids, their vocabulary strings, and where each token came from in
// the input string.
namespace Unlearn.Tokenizers;

/// <summary>A token's source range [Start, End) in UTF-16 chars of the encoded string; (0, 0) for tokens the
/// post-processor inserted (BOS/EOS).</summary>
public readonly record struct TokenOffset(int Start, int End)
{
    public int Length => End - Start;
}

public sealed class TokenizedText
{
    internal TokenizedText(IReadOnlyList<int> ids, IReadOnlyList<string> tokens, IReadOnlyList<TokenOffset> offsets)
    {
        Ids = ids;
        Tokens = tokens;
        Offsets = offsets;
    }

    public IReadOnlyList<int> Ids { get; }

    /// <summary>Vocabulary strings of the tokens (Hugging Face's <c>tokens</c>, e.g. "Ġplay", "▁play", "&lt;s&gt;").</summary>
    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<TokenOffset> Offsets { get; }

    public int Count => Ids.Count;
}
