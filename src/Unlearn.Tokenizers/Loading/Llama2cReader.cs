// Reads a llama2.c tokenizer.bin: int32 max_token_length, then per token float32 score, int32 length, bytes.
// The export writes '▁' as ' ' and BOS/EOS as "\n<s>\n" / "\n</s>\n"; both are undone so the pieces equal the
// SentencePiece model's and the conversion gives the same tokenizer. Ids 0/1/2 are <unk>/<s>/</s> as in run.c.
using System.Buffers.Binary;
using System.Text;

namespace Unlearn.Tokenizers.Loading;

internal static class Llama2cReader
{
    public static TokenizerComponents Read(string path)
    {
        var data = HuggingFaceJsonReader.ReadAllBytes(path);
        if (data.Length < 4)
        {
            throw new TokenizerFormatException(path, "byte 0", "the file is too short for a llama2.c tokenizer (truncated?)");
        }
        var maxLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (maxLength <= 0 || maxLength > 1024)
        {
            throw new TokenizerFormatException(path, "byte 0",
                $"max_token_length {maxLength} is not plausible; this is not a llama2.c tokenizer.bin");
        }
        var pieces = new List<SentencePiece>();
        var position = 4;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        while (position < data.Length)
        {
            if (position + 8 > data.Length)
            {
                throw new TokenizerFormatException(path, $"byte {position}", $"token {pieces.Count} is cut off (truncated file?)");
            }
            var score = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(position));
            var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(position + 4));
            position += 8;
            if (length < 0 || length > maxLength + 2 || position + length > data.Length)
            {
                throw new TokenizerFormatException(path, $"byte {position - 4}",
                    $"token {pieces.Count} has length {length}, past max_token_length {maxLength} or the end of the file (truncated?)");
            }
            string text;
            try
            {
                text = utf8.GetString(data, position, length);
            }
            catch (DecoderFallbackException e)
            {
                throw new TokenizerFormatException(path, $"byte {position}", $"token {pieces.Count} is not valid UTF-8", e);
            }
            position += length;
            var id = pieces.Count;
            text = id is 1 or 2 ? text.Trim('\n') : text;
            text = text.Replace(" ", SentencePieceConversion.Metaspace, StringComparison.Ordinal);
            var type = id switch
            {
                0 => PieceType.Unknown,
                1 or 2 => PieceType.Control,
                _ when Decoders.ByteFallbackDecoder.TryParseByte(text, out _) => PieceType.Byte,
                _ => PieceType.Normal,
            };
            pieces.Add(new SentencePiece(text, score, type));
        }
        if (pieces.Count < 3)
        {
            throw new TokenizerFormatException(path, null, "the file has fewer than 3 tokens; this is not a llama2.c tokenizer.bin");
        }
        var byteFallback = pieces.Count(p => p.Type == PieceType.Byte) == 256;
        return SentencePieceConversion.Convert(path, TokenizerFileFormat.Llama2c, pieces, byteFallback,
            addDummyPrefix: true, bosId: 1, eosId: 2, unkId: 0, padId: null);
    }
}
