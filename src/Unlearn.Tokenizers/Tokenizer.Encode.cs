// Tokenizer, encoding: added tokens are split out of the raw text, each remaining segment is normalized, split
// into pieces by the pre-tokenizer and tokenized by the model; the post-processor then adds BOS/EOS.
// This is Hugging Face's pipeline in its order, so ids match token for token.
using System.Runtime.CompilerServices;
using System.Text;
using Unlearn.Tokenizers.Text;
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    [ThreadStatic]
    private static EncodeScratch? t_scratch;

    /// <summary>Encodes text to ids. <paramref name="addSpecialTokens"/> adds BOS/EOS as the tokenizer's config
    /// says; <paramref name="parseSpecialTokens"/> makes special tokens written in the text (e.g. "&lt;|eot_id|&gt;")
    /// become their ids instead of being tokenized as plain text. Both default to Hugging Face's defaults.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The builder is reused per thread; only the returned array is allocated per call.
        var encoding = (t_scratch ??= new EncodeScratch()).Ids;
        encoding.Clear();
        EncodeInto(text, addSpecialTokens, parseSpecialTokens, encoding);
        return encoding.Ids.ToArray();
    }

    /// <summary>Encodes text and also returns each token's vocabulary string and its [start, end) UTF-16 range in
    /// <paramref name="text"/>.</summary>
    public TokenizedText EncodeWithOffsets(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoding = new EncodingBuilder(withOffsets: true);
        EncodeInto(text, addSpecialTokens, parseSpecialTokens, encoding);
        var ids = encoding.Ids.ToArray();
        var tokens = ids.Select(id => IdToToken(id) ?? "").ToArray();
        return new TokenizedText(ids, tokens, encoding.Offsets!.ToArray());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeInto(string text, bool addSpecialTokens, bool parseSpecialTokens, EncodingBuilder encoding)
    {
        text = Utf16.ReplaceLoneSurrogates(text);
        var scratch = t_scratch ??= new EncodeScratch();
        var segments = scratch.Segments;
        segments.Clear();
        _added.SplitRaw(text, parseSpecialTokens, segments);
        var source = new AlignedText(text);
        foreach (var segment in segments)
        {
            if (segment.TokenId >= 0)
            {
                encoding.Add(segment.TokenId, segment.Start, segment.End);
                continue;
            }
            var piece = new Piece(source, segment.Start, segment.End);
            if (_normalizer is not null)
            {
                piece = _normalizer.Normalize(piece);
            }
            if (!_added.HasNormalizedTokens)
            {
                EncodeText(piece, encoding, scratch);
                continue;
            }
            var inner = new List<AddedVocabulary.Segment>();
            _added.SplitNormalized(piece.Span, parseSpecialTokens, inner);
            foreach (var part in inner)
            {
                if (part.TokenId >= 0)
                {
                    var (start, end) = piece.Source.OriginalRange(piece.Start + part.Start, piece.Start + part.End);
                    encoding.Add(part.TokenId, start, end);
                }
                else
                {
                    EncodeText(new Piece(piece.Source, piece.Start + part.Start, piece.Start + part.End), encoding, scratch);
                }
            }
        }
        _postProcessor?.Process(encoding, addSpecialTokens);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeText(Piece piece, EncodingBuilder encoding, EncodeScratch scratch)
    {
        var pieces = scratch.Pieces;
        pieces.Clear();
        if (_preTokenizer is null)
        {
            if (piece.Length > 0)
            {
                pieces.Add(piece);
            }
        }
        else
        {
            _preTokenizer.Split(piece, pieces);
        }
        foreach (var p in pieces)
        {
            TokenizePiece(p, encoding, scratch);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TokenizePiece(Piece piece, EncodingBuilder encoding, EncodeScratch scratch)
    {
        var chars = piece.Span;
        var utf8 = scratch.Utf8Buffer(chars.Length * 3);
        var byteCount = Encoding.UTF8.GetBytes(chars, utf8);
        if (encoding.Offsets is null)
        {
            _model.Tokenize(chars, utf8[..byteCount], encoding.Ids, null);
            return;
        }
        var ends = scratch.ByteEnds;
        ends.Clear();
        _model.Tokenize(chars, utf8[..byteCount], encoding.Ids, ends);
        // For each UTF-8 byte, the chars of the code point it belongs to; a token that splits a character reports
        // the whole character (Hugging Face does the same).
        var charStart = scratch.IntBuffer(byteCount, 0);
        var charEnd = scratch.IntBuffer(byteCount, 1);
        for (int c = 0, b = 0; c < chars.Length;)
        {
            var cp = Utf16.CodePointAt(chars, c, out var width);
            var length = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            for (var k = 0; k < length; k++)
            {
                charStart[b + k] = c;
                charEnd[b + k] = c + width;
            }
            b += length;
            c += width;
        }
        var byteStart = 0;
        for (var i = 0; i < ends.Count; i++)
        {
            var byteEnd = ends[i];
            var (start, end) = byteEnd > byteStart
                ? piece.Source.OriginalRange(piece.Start + charStart[byteStart], piece.Start + charEnd[byteEnd - 1])
                : piece.Source.OriginalRange(piece.Start + charStart[Math.Min(byteStart, byteCount - 1)],
                    piece.Start + charStart[Math.Min(byteStart, byteCount - 1)]);
            encoding.Offsets.Add(new TokenOffset(start, end));
            byteStart = byteEnd;
        }
    }

    private sealed class EncodeScratch
    {
        private byte[] _utf8 = new byte[1024];
        private int[] _ints0 = new int[1024];
        private int[] _ints1 = new int[1024];

        public EncodingBuilder Ids { get; } = new(withOffsets: false);

        public List<AddedVocabulary.Segment> Segments { get; } = [];

        public List<Piece> Pieces { get; } = [];

        public List<int> ByteEnds { get; } = [];

        public Span<byte> Utf8Buffer(int size)
        {
            if (_utf8.Length < size)
            {
                _utf8 = new byte[Math.Max(size, _utf8.Length * 2)];
            }
            return _utf8;
        }

        public Span<int> IntBuffer(int size, int which)
        {
            ref var buffer = ref which == 0 ? ref _ints0 : ref _ints1;
            if (buffer.Length < size)
            {
                buffer = new int[Math.Max(size, buffer.Length * 2)];
            }
            return buffer;
        }
    }
}
