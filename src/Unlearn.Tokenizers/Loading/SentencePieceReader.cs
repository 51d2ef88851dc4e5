// Reads a SentencePiece model protobuf (Llama 2's tokenizer.model) with a minimal protobuf wire-format parser:
// pieces (text, score, type), trainer_spec (model type, byte fallback, special ids) and normalizer_spec
// (add_dummy_prefix). Only BPE models are accepted; Unigram models are refused.
using System.Text;

namespace Unlearn.Tokenizers.Loading;

internal static class SentencePieceReader
{
    public static bool LooksLikeSentencePiece(ReadOnlySpan<byte> head) => head.Length > 2 && head[0] == 0x0A;

    public static TokenizerComponents Read(string path)
    {
        var data = HuggingFaceJsonReader.ReadAllBytes(path);
        var pieces = new List<SentencePiece>();
        var modelType = 1;
        var byteFallback = false;
        int unkId = 0, bosId = 1, eosId = 2, padId = -1;
        var addDummyPrefix = true;
        var reader = new ProtoReader(path, data, 0, data.Length);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    pieces.Add(ReadPiece(reader.Nested()));
                    break;
                case (2, 2):
                    var trainer = reader.Nested();
                    while (trainer.Next(out var f, out var w))
                    {
                        switch (f, w)
                        {
                            case (3, 0): modelType = (int)trainer.Varint(); break;
                            case (35, 0): byteFallback = trainer.Varint() != 0; break;
                            case (40, 0): unkId = (int)trainer.Varint(); break;
                            case (41, 0): bosId = (int)trainer.Varint(); break;
                            case (42, 0): eosId = (int)trainer.Varint(); break;
                            case (43, 0): padId = (int)trainer.Varint(); break;
                            default: trainer.Skip(w); break;
                        }
                    }
                    break;
                case (3, 2):
                    var normalizer = reader.Nested();
                    while (normalizer.Next(out var f, out var w))
                    {
                        if ((f, w) == (3, 0))
                        {
                            addDummyPrefix = normalizer.Varint() != 0;
                        }
                        else
                        {
                            normalizer.Skip(w);
                        }
                    }
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (pieces.Count == 0)
        {
            throw new TokenizerFormatException(path, null, "the SentencePiece model has no pieces (empty or truncated file?)");
        }
        if (modelType != 2)
        {
            throw new TokenizerNotSupportedException(path, "trainer_spec.model_type",
                $"only BPE SentencePiece models are supported (model_type {modelType}; 1 = Unigram)");
        }
        int? Valid(int id) => id >= 0 && id < pieces.Count ? id : null;
        return SentencePieceConversion.Convert(path, TokenizerFileFormat.SentencePiece, pieces, byteFallback,
            addDummyPrefix, Valid(bosId), Valid(eosId), Valid(unkId), Valid(padId));
    }

    private static SentencePiece ReadPiece(ProtoReader reader)
    {
        string? text = null;
        var score = 0f;
        var type = PieceType.Normal;
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): text = reader.String(); break;
                case (2, 5): score = reader.Float(); break;
                case (3, 0): type = (PieceType)reader.Varint(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new SentencePiece(text ?? throw reader.Error("a piece has no text"), score, type);
    }

    /// <summary>Protobuf wire-format cursor over [start, end) of a buffer; errors give the byte offset.</summary>
    private sealed class ProtoReader(string path, byte[] data, int start, int end)
    {
        private int _position = start;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_position >= end)
            {
                return false;
            }
            var key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= end)
                {
                    throw Error("the file ends inside a number (truncated?)");
                }
                var b = data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
            throw Error("a number is longer than 10 bytes (corrupt file?)");
        }

        public ProtoReader Nested()
        {
            var length = Length();
            var nested = new ProtoReader(path, data, _position, _position + length);
            _position += length;
            return nested;
        }

        public string String()
        {
            var length = Length();
            var text = Encoding.UTF8.GetString(data, _position, length);
            _position += length;
            return text;
        }

        public float Float()
        {
            if (_position + 4 > end)
            {
                throw Error("the file ends inside a number (truncated?)");
            }
            var value = BitConverter.ToSingle(data, _position);
            _position += 4;
            return value;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Advance(8); break;
                case 2: Advance(Length()); break;
                case 5: Advance(4); break;
                default: throw Error($"unknown protobuf wire type {wire} (not a SentencePiece model, or corrupt)");
            }
        }

        public TokenizerFormatException Error(string problem) => new(path, $"byte {_position}", problem);

        private int Length()
        {
            var length = Varint();
            if (length > (ulong)(end - _position))
            {
                throw Error($"a field of {length} bytes runs past the end of its message (truncated file?)");
            }
            return (int)length;
        }

        private void Advance(int count)
        {
            if (_position + count > end)
            {
                throw Error("the file ends inside a field (truncated?)");
            }
            _position += count;
        }
    }
}
