// Reads a tiktoken rank file (Llama 3's tokenizer.model: "base64(token bytes) rank" per line) and builds the
// Hugging Face BPE model transformers' TikTokenConverter makes from it: byte-level vocabulary strings, merges =
// every split of a token into two tokens, ordered by the merged token's rank, ties by (left rank, right rank),
// ignore_merges = true, Llama 3's pre-tokenizer regex. The tests check the merges equal llama3-hf's tokenizer.json.
// The 256 special tokens are not in the file: they come from tokenizer_config.json, or Llama 3's names when absent.
using Unlearn.Tokenizers.Decoders;
using Unlearn.Tokenizers.Models;
using Unlearn.Tokenizers.PreTokenizers;
using Unlearn.Tokenizers.PreTokenizers.Patterns;

namespace Unlearn.Tokenizers.Loading;

internal static class TiktokenReader
{
    public static bool LooksLikeTiktoken(ReadOnlySpan<byte> head)
    {
        var i = 0;
        while (i < head.Length && (char.IsAsciiLetterOrDigit((char)head[i]) || head[i] is (byte)'+' or (byte)'/' or (byte)'='))
        {
            i++;
        }
        if (i == 0 || i >= head.Length || head[i] != ' ')
        {
            return false;
        }
        var j = i + 1;
        while (j < head.Length && char.IsAsciiDigit((char)head[j]))
        {
            j++;
        }
        return j > i + 1 && (j == head.Length || head[j] is (byte)'\n' or (byte)'\r');
    }

    public static TokenizerComponents Read(string path, IReadOnlyCollection<AddedToken> configAddedTokens)
    {
        var data = HuggingFaceJsonReader.ReadAllBytes(path);
        var byRank = new List<byte[]?>();
        var lineNumber = 0;
        var position = 0;
        while (position < data.Length)
        {
            var lineEnd = Array.IndexOf(data, (byte)'\n', position);
            if (lineEnd < 0)
            {
                lineEnd = data.Length;
            }
            lineNumber++;
            var line = data.AsSpan(position, lineEnd - position).TrimEnd((byte)'\r');
            position = lineEnd + 1;
            if (line.IsEmpty)
            {
                continue;
            }
            var space = line.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(line[(space + 1)..], out var rank) || rank < 0)
            {
                throw new TokenizerFormatException(path, $"line {lineNumber}", "expected \"<base64> <rank>\" (not a tiktoken file, or corrupt)");
            }
            var bytes = new byte[space];
            if (!System.Buffers.Text.Base64.IsValid(line[..space]) ||
                System.Buffers.Text.Base64.DecodeFromUtf8(line[..space], bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
            {
                throw new TokenizerFormatException(path, $"line {lineNumber}", "the token is not valid base64");
            }
            while (byRank.Count <= rank)
            {
                byRank.Add(null);
            }
            if (byRank[rank] is not null)
            {
                throw new TokenizerFormatException(path, $"line {lineNumber}", $"rank {rank} appears twice");
            }
            byRank[rank] = bytes[..written];
        }
        if (byRank.Count == 0)
        {
            throw new TokenizerFormatException(path, null, "the file has no tokens (empty or truncated?)");
        }
        var table = new ByteSequenceTable(byRank.Count);
        for (var rank = 0; rank < byRank.Count; rank++)
        {
            if (byRank[rank] is { Length: > 0 } bytes)
            {
                table.Add(bytes, rank);
            }
        }
        var merges = new List<(int, int, int)>();
        var local = new List<(int Left, int Right)>();
        for (var rank = 0; rank < byRank.Count; rank++)
        {
            var token = byRank[rank];
            if (token is null)
            {
                continue;
            }
            local.Clear();
            for (var k = 1; k < token.Length; k++)
            {
                if (table.TryGetValue(token.AsSpan(0, k), out var left) && table.TryGetValue(token.AsSpan(k), out var right))
                {
                    local.Add((left, right));
                }
            }
            local.Sort();
            foreach (var (left, right) in local)
            {
                merges.Add((left, right, rank));
            }
        }
        var model = new BpeModel(new BpeModelData
        {
            Tokens = byRank.Select(b => b is null ? null : ByteLevelAlphabet.Encode(b)).ToArray(),
            Merges = merges,
            ByteLevel = true,
            IgnoreMerges = true,
        });
        var added = configAddedTokens.Count > 0
            ? configAddedTokens.ToList()
            : byRank.Count == Llama3SpecialTokens.BaseVocabularySize ? Llama3SpecialTokens.Default() : [];
        return new TokenizerComponents
        {
            SourcePath = path,
            Format = TokenizerFileFormat.Tiktoken,
            Model = model,
            AddedTokens = added,
            PreTokenizer = new SplitPreTokenizer(new Llama3Pattern(maxDigits: 3), SplitBehavior.Isolated, invert: false),
            Decoder = new ByteLevelDecoder(),
        };
    }
}

/// <summary>Llama 3's 256 special tokens as Meta's Llama 3.1/3.2 Hugging Face configs name them (ids 128000-128255).</summary>
internal static class Llama3SpecialTokens
{
    public const int BaseVocabularySize = 128_000;

    public static List<AddedToken> Default()
    {
        var named = new Dictionary<int, string>
        {
            [128000] = "<|begin_of_text|>",
            [128001] = "<|end_of_text|>",
            [128004] = "<|finetune_right_pad_id|>",
            [128006] = "<|start_header_id|>",
            [128007] = "<|end_header_id|>",
            [128008] = "<|eom_id|>",
            [128009] = "<|eot_id|>",
            [128010] = "<|python_tag|>",
        };
        var tokens = new List<AddedToken>(256);
        var reserved = 0;
        for (var id = BaseVocabularySize; id < BaseVocabularySize + 256; id++)
        {
            var content = named.TryGetValue(id, out var name) ? name : $"<|reserved_special_token_{reserved++}|>";
            tokens.Add(new AddedToken(id, content, Special: true));
        }
        return tokens;
    }
}
