// Reads GPT-2 style vocab.json + merges.txt (Qwen2, GPT-2) and builds the tokenizer transformers' converters
// make: Qwen2 (tokenizer_class Qwen2Tokenizer) gets NFC + the Qwen2 regex split; anything else gets GPT-2's
// ByteLevel pre-tokenizer. Added tokens come from tokenizer_config.json / added_tokens.json.
using Unlearn.Tokenizers.Decoders;
using Unlearn.Tokenizers.Json;
using Unlearn.Tokenizers.Models;
using Unlearn.Tokenizers.Normalizers;
using Unlearn.Tokenizers.PostProcessors;
using Unlearn.Tokenizers.PreTokenizers;
using Unlearn.Tokenizers.PreTokenizers.Patterns;

namespace Unlearn.Tokenizers.Loading;

internal static class VocabMergesReader
{
    public static TokenizerComponents Read(string vocabPath, string mergesPath, TokenizerConfig config)
    {
        using var document = JsonCursor.Parse(vocabPath, HuggingFaceJsonReader.ReadAllBytes(vocabPath));
        var root = JsonCursor.Root(document, vocabPath);
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        foreach (var (name, value) in root.Properties())
        {
            var id = value.GetInt32();
            if (id < 0)
            {
                throw value.Error("token ids must not be negative");
            }
            tokenIds[name] = id;
            maxId = Math.Max(maxId, id);
        }
        var tokens = new string?[maxId + 1];
        foreach (var (name, id) in tokenIds)
        {
            tokens[id] = name;
        }
        var merges = ReadMerges(mergesPath, tokenIds);
        var model = new BpeModel(new BpeModelData { Tokens = tokens, Merges = merges, ByteLevel = true });
        var isQwen = config.TokenizerClass?.StartsWith("Qwen2", StringComparison.Ordinal) == true;
        return new TokenizerComponents
        {
            SourcePath = vocabPath,
            Format = TokenizerFileFormat.VocabAndMerges,
            Model = model,
            AddedTokens = config.AddedTokens.Values.ToList(),
            Normalizer = isQwen ? new UnicodeNormalizer(compose: true) : null,
            PreTokenizer = isQwen
                ? new SplitPreTokenizer(new Llama3Pattern(maxDigits: 1), SplitBehavior.Isolated, invert: false)
                : new ByteLevelPreTokenizer(config.AddPrefixSpace ?? false, useRegex: true),
            PostProcessor = new ByteLevelOffsetTrimmer(trimOffsets: false, addPrefixSpace: false, model.KeyBytes),
            Decoder = new ByteLevelDecoder(),
        };
    }

    private static List<(int, int, int)> ReadMerges(string path, Dictionary<string, int> tokenIds)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException e)
        {
            throw new TokenizerFormatException(path, null, $"the file could not be read ({e.Message})", e);
        }
        var merges = new List<(int, int, int)>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || i == 0 && line.StartsWith("#version", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = line.Split(' ');
            if (parts.Length != 2)
            {
                throw new TokenizerFormatException(path, $"line {i + 1}", $"a merge must be two tokens separated by one space, found {JsonCursor.Quote(line)}");
            }
            if (!tokenIds.TryGetValue(parts[0], out var left) || !tokenIds.TryGetValue(parts[1], out var right)
                || !tokenIds.TryGetValue(parts[0] + parts[1], out var merged))
            {
                throw new TokenizerFormatException(path, $"line {i + 1}",
                    $"the merge {JsonCursor.Quote(line)} uses a token that is not in vocab.json (files from different tokenizers?)");
            }
            merges.Add((left, right, merged));
        }
        return merges;
    }
}
