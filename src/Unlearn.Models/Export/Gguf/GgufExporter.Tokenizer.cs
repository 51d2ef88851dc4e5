// GgufExporter, tokenizer metadata: the tokenizer.ggml.* keys llama.cpp builds its vocabulary from, as the converter
// writes them (conversion/base.py _set_vocab_gpt2 / _set_vocab_sentencepiece, gguf-py vocab.py SpecialVocab):
//   - byte-level BPE (Llama 3, Qwen2): model "gpt2", pre "llama-bpe" or "qwen2" (the pre-tokenizer regex llama.cpp
//     applies), token strings in byte-level form, merges "left right" in rank order, no scores;
//   - SentencePiece-style BPE with byte fallback (Llama 2, stories260K): model "llama", pre "default", scores.
//     llama.cpp's SPM tokenizer merges the adjacent pair whose joined piece has the highest score, so the score of a
//     piece is minus the rank of the first merge that makes it: the same order in which the Hugging Face BPE merges
//     (for stories260K this equals the original SentencePiece scores, −(id − 259)). Pieces no merge makes score 0
//     (single characters, bytes, specials: never a merge result) or −1e9 when longer (never made by Hugging Face; the
//     value SentencePiece gives its user-defined pieces, so llama.cpp tries them last).
// Token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte (gguf-py TokenType).
using Unlearn.Models.Formats.Gguf;
using Unlearn.Tokenizers;

namespace Unlearn.Models.Export.Gguf;

public static partial class GgufExporter
{
    private const float UnreachableScore = -1e9f;

    /// <summary>tokenizer.ggml.pre for a byte-level tokenizer's pre-tokenizer (names from llama.cpp's llama-vocab.cpp).</summary>
    public static string PreTokenizerName(PreTokenizerFamily family) => family switch
    {
        PreTokenizerFamily.Llama3 => "llama-bpe",
        PreTokenizerFamily.Qwen2 => "qwen2",
        PreTokenizerFamily.Gpt2 => "gpt-2",
        _ => throw new ExportRefusedException($"the tokenizer's pre-tokenizer ({family}) has no llama.cpp equivalent (llama-bpe, qwen2 and gpt-2 are supported); llama.cpp would split text differently and produce other ids."),
    };

    private static void AddTokenizer(GgufWriter writer, GgufExportOptions options, int vocabSize)
    {
        var tokenizer = options.Tokenizer;
        if (tokenizer.VocabSize > vocabSize)
        {
            throw new ExportRefusedException($"the tokenizer has {tokenizer.VocabSize} ids but the model's vocab_size is {vocabSize}; llama.cpp needs one embedding row per token.");
        }
        var vocabulary = tokenizer.DescribeVocabulary(vocabSize);
        var tokens = vocabulary.Tokens.Select((t, id) => t ?? $"[PAD{id}]").ToArray();
        var types = vocabulary.Kinds.Select(TokenType).ToArray();
        if (vocabulary.ByteLevel)
        {
            writer.AddString("tokenizer.ggml.model", "gpt2");
            writer.AddString("tokenizer.ggml.pre", PreTokenizerName(vocabulary.PreTokenizer));
            writer.AddStringArray("tokenizer.ggml.tokens", tokens);
            writer.AddInt32Array("tokenizer.ggml.token_type", types);
            // Merges whose parts hold a space (allowed in tokenizer.json's newer list form) have the space written as
            // U+0120, as SpecialVocab does, since llama.cpp splits each merge at its first space.
            writer.AddStringArray("tokenizer.ggml.merges", vocabulary.Merges.Select(m => $"{Escape(m.Left)} {Escape(m.Right)}").ToArray());
        }
        else if (vocabulary.ByteFallback && vocabulary.PreTokenizer == PreTokenizerFamily.SentencePiece)
        {
            writer.AddString("tokenizer.ggml.model", "llama");
            writer.AddString("tokenizer.ggml.pre", "default");
            writer.AddStringArray("tokenizer.ggml.tokens", tokens);
            writer.AddFloat32Array("tokenizer.ggml.scores", Scores(vocabulary));
            writer.AddInt32Array("tokenizer.ggml.token_type", types);
        }
        else
        {
            throw new ExportRefusedException("the tokenizer is neither byte-level BPE (Llama 3, Qwen2) nor SentencePiece-style BPE with byte fallback (Llama 2); llama.cpp's gpt2 and llama vocabularies cover only those.");
        }
        if ((tokenizer.BosId ?? options.BosId) is int bos)
        {
            writer.AddUInt32("tokenizer.ggml.bos_token_id", (uint)bos);
        }
        if ((tokenizer.EosId ?? options.EosId) is int eos)
        {
            writer.AddUInt32("tokenizer.ggml.eos_token_id", (uint)eos);
        }
        if (tokenizer.UnkId is int unk)
        {
            writer.AddUInt32("tokenizer.ggml.unknown_token_id", (uint)unk);
        }
        if (tokenizer.PadId is int pad)
        {
            writer.AddUInt32("tokenizer.ggml.padding_token_id", (uint)pad);
        }
        writer.AddBool("tokenizer.ggml.add_bos_token", tokenizer.AddBos);
        writer.AddBool("tokenizer.ggml.add_eos_token", tokenizer.AddEos);
        if (options.ChatTemplate is { Length: > 0 } template)
        {
            writer.AddString("tokenizer.chat_template", template);
        }
    }

    private static float[] Scores(TokenizerVocabulary vocabulary)
    {
        var scores = new float[vocabulary.Tokens.Count];
        for (int id = 0; id < scores.Length; id++)
        {
            int rank = vocabulary.MergeRanks[id];
            string? token = vocabulary.Tokens[id];
            bool single = token is null || vocabulary.Kinds[id] != TokenKind.Normal || token.EnumerateRunes().Count() <= 1;
            scores[id] = rank >= 0 ? -rank : single ? 0f : UnreachableScore;
        }
        return scores;
    }

    private static int TokenType(TokenKind kind) => kind switch
    {
        TokenKind.Normal => 1,
        TokenKind.Unknown => 2,
        TokenKind.Control => 3,
        TokenKind.UserDefined => 4,
        TokenKind.Unused => 5,
        TokenKind.Byte => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Escape(string part) => part.Replace(' ', '\u0120');
}
