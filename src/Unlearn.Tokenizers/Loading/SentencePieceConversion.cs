// Turns a SentencePiece-style piece list (from a SentencePiece .model or a llama2.c tokenizer.bin) into the
// Hugging Face BPE model transformers' LlamaConverter builds: vocab = pieces, merges = every split of a piece
// into two pieces that are both in the vocabulary, ordered by the merged piece's score (descending), ties by
// (left id, right id). The test suite checks this reproduces the merge lists of the Llama 2 and stories260K
// tokenizer.json files exactly. Normalizer, decoder and added tokens follow the "legacy" Llama layout.
using Unlearn.Tokenizers.Decoders;
using Unlearn.Tokenizers.Models;
using Unlearn.Tokenizers.Normalizers;

namespace Unlearn.Tokenizers.Loading;

internal enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

internal sealed record SentencePiece(string Text, float Score, PieceType Type);

internal static class SentencePieceConversion
{
    public const string Metaspace = "\u2581";

    public static TokenizerComponents Convert(string path, TokenizerFileFormat format, IReadOnlyList<SentencePiece> pieces,
        bool byteFallback, bool addDummyPrefix, int? bosId, int? eosId, int? unkId, int? padId)
    {
        var tokens = new string?[pieces.Count];
        var ids = new Dictionary<string, int>(pieces.Count, StringComparer.Ordinal);
        for (var id = 0; id < pieces.Count; id++)
        {
            tokens[id] = pieces[id].Text;
            ids.TryAdd(pieces[id].Text, id);
        }
        var merges = new List<(float Score, int Left, int Right, int Merged)>();
        for (var id = 0; id < pieces.Count; id++)
        {
            var text = pieces[id].Text;
            for (var k = 1; k < text.Length; k++)
            {
                if (char.IsLowSurrogate(text[k]))
                {
                    continue; // split between code points only, as Python's str slicing does
                }
                if (ids.TryGetValue(text[..k], out var left) && ids.TryGetValue(text[k..], out var right))
                {
                    merges.Add((pieces[id].Score, left, right, id));
                }
            }
        }
        merges.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : a.Left != b.Left ? a.Left.CompareTo(b.Left) : a.Right.CompareTo(b.Right));
        var unknown = pieces.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Type == PieceType.Unknown);
        var model = new BpeModel(new BpeModelData
        {
            Tokens = tokens,
            Merges = merges.Select(m => (m.Left, m.Right, m.Merged)).ToArray(),
            UnknownToken = unknown.p?.Text,
            FuseUnknown = true,
            ByteFallback = byteFallback,
        });
        var added = new List<AddedToken>();
        for (var id = 0; id < pieces.Count; id++)
        {
            var type = pieces[id].Type;
            if (type is PieceType.Control or PieceType.Unknown)
            {
                added.Add(new AddedToken(id, pieces[id].Text, Special: true));
            }
            else if (type == PieceType.UserDefined)
            {
                added.Add(new AddedToken(id, pieces[id].Text, Special: false));
            }
        }
        Normalizer normalizer = addDummyPrefix
            ? new SequenceNormalizer([new PrependNormalizer(Metaspace), new ReplaceNormalizer(" ", null, Metaspace)])
            : new ReplaceNormalizer(" ", null, Metaspace);
        var decoders = new List<Decoder> { new ReplaceDecoder(Metaspace, null, " "), new ByteFallbackDecoder(), new FuseDecoder() };
        if (addDummyPrefix)
        {
            decoders.Add(new StripDecoder(' ', 1, 0));
        }
        return new TokenizerComponents
        {
            SourcePath = path,
            Format = format,
            Model = model,
            AddedTokens = added,
            Normalizer = normalizer,
            Decoder = new SequenceDecoder(decoders),
            BosId = bosId,
            EosId = eosId,
            UnknownId = unkId,
            PadId = padId,
        };
    }
}
