// ByteLevel pre-tokenizer: optional leading space and optional GPT-2 regex split. The byte-to-unicode mapping
// itself is not materialized: the BPE model works on UTF-8 bytes directly (see BpeModel).
using Unlearn.Tokenizers.PreTokenizers.Patterns;
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.PreTokenizers;

/// <summary>ByteLevel: optional leading space, optional GPT-2 regex split; the byte mapping itself is the model's job.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizer
{
    private readonly SplitPreTokenizer _gpt2 = new(Gpt2Pattern.Instance, SplitBehavior.Isolated, invert: false);

    public bool AddPrefixSpace { get; } = addPrefixSpace;

    public bool UseRegex { get; } = useRegex;

    public override void Split(Piece piece, List<Piece> output)
    {
        // Like Hugging Face's NormalizedString::prepend, nothing is prepended to empty text.
        if (AddPrefixSpace && piece.Length > 0 && piece.Span[0] != ' ')
        {
            piece = Prepend(piece, " ");
        }
        if (UseRegex)
        {
            _gpt2.Split(piece, output);
        }
        else if (piece.Length > 0)
        {
            output.Add(piece);
        }
    }

    internal static Piece Prepend(Piece piece, string prefix)
    {
        var length = prefix.Length + piece.Length;
        var starts = new int[length];
        var ends = new int[length];
        for (var i = 0; i < length; i++)
        {
            var source = Math.Max(0, i - prefix.Length);
            starts[i] = source;
            ends[i] = source + 1;
        }
        return piece.Rewrite(string.Concat(prefix, piece.Span), starts, ends);
    }
}
