// Metaspace pre-tokenizer (SentencePiece style without a normalizer): spaces become "▁", one is prepended per
// the prepend scheme, and the text is split before each "▁".
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.PreTokenizers;

/// <summary>Metaspace: spaces become the replacement char, a replacement char is prepended per the scheme, and the
/// text is split before each replacement char (MergedWithNext).</summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : PreTokenizer
{
    public char Replacement { get; } = replacement;

    public PrependScheme Scheme { get; } = scheme;

    public bool SplitOnReplacement { get; } = split;

    public override void Split(Piece piece, List<Piece> output)
    {
        var text = piece.Span;
        if (text.Contains(' '))
        {
            var replaced = text.ToString().Replace(' ', Replacement);
            var identity = Enumerable.Range(0, text.Length).ToArray();
            var next = Enumerable.Range(1, text.Length).ToArray();
            piece = piece.Rewrite(replaced, identity, next);
        }
        var prepend = Scheme switch
        {
            PrependScheme.Always => piece.Length > 0 && piece.Span[0] != Replacement,
            PrependScheme.First => piece.Length > 0 && piece.Span[0] != Replacement
                && piece.Source.OriginalRange(piece.Start, piece.End).Start == 0,
            _ => false,
        };
        if (prepend)
        {
            piece = ByteLevelPreTokenizer.Prepend(piece, Replacement.ToString());
        }
        if (!SplitOnReplacement)
        {
            if (piece.Length > 0)
            {
                output.Add(piece);
            }
            return;
        }
        var span = piece.Span;
        var start = 0;
        for (var i = 1; i < span.Length; i++)
        {
            if (span[i] == Replacement)
            {
                output.Add(new Piece(piece.Source, piece.Start + start, piece.Start + i));
                start = i;
            }
        }
        if (span.Length > start)
        {
            output.Add(new Piece(piece.Source, piece.Start + start, piece.End));
        }
    }
}
