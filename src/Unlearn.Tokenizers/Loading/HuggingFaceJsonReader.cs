// Reads a Hugging Face tokenizer.json: model (BPE), added_tokens, normalizer, pre_tokenizer, post_processor and
// decoder. A component or option this library does not implement is refused with its JSON path.
// `truncation` and `padding` are ignored, as transformers does (it resets them on every call).
using Unlearn.Tokenizers.Json;
using Unlearn.Tokenizers.Models;

namespace Unlearn.Tokenizers.Loading;

internal static partial class HuggingFaceJsonReader
{
    public static TokenizerComponents Read(string path)
    {
        using var document = JsonCursor.Parse(path, ReadAllBytes(path));
        var root = JsonCursor.Root(document, path);
        root.RequireKind(System.Text.Json.JsonValueKind.Object, "an object");
        var preTokenizerNode = root.Optional("pre_tokenizer");
        var byteLevel = preTokenizerNode is { } p && ContainsType(p, "ByteLevel");
        var model = ReadModel(root.Get("model"), byteLevel);
        var addedTokens = new List<AddedToken>();
        if (root.Optional("added_tokens") is { } added)
        {
            foreach (var item in added.Items())
            {
                addedTokens.Add(TokenizerConfig.ReadAddedToken(item, item.Get("id").GetInt32()));
            }
        }
        var normalizer = root.Optional("normalizer") is { } n ? ReadNormalizer(n) : null;
        var preTokenizer = preTokenizerNode is { } pt ? Simplify(ReadPreTokenizer(pt, isLast: true)) : null;
        var tokenIds = BuildTokenIds(model, addedTokens);
        var postProcessor = root.Optional("post_processor") is { } pp ? ReadPostProcessor(pp, tokenIds, model) : null;
        var decoder = root.Optional("decoder") is { } d ? ReadDecoder(d) : null;
        return new TokenizerComponents
        {
            SourcePath = path,
            Format = TokenizerFileFormat.HuggingFaceJson,
            Model = model,
            AddedTokens = addedTokens,
            Normalizer = normalizer,
            PreTokenizer = preTokenizer,
            PostProcessor = postProcessor,
            Decoder = decoder,
        };
    }

    internal static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new TokenizerFormatException(path, null, $"the file could not be read ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TokenizerFormatException(path, null, $"the file could not be read ({e.Message})", e);
        }
    }

    private static bool ContainsType(JsonCursor node, string type)
    {
        if (node.Kind != System.Text.Json.JsonValueKind.Object)
        {
            return false;
        }
        if (node.OptionalString("type") == type)
        {
            return true;
        }
        return node.Optional("pretokenizers") is { } list
            && list.Kind == System.Text.Json.JsonValueKind.Array && list.Items().Any(item => ContainsType(item, type));
    }

    private static Func<string, int?> BuildTokenIds(BpeModel model, List<AddedToken> addedTokens)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in addedTokens)
        {
            added[token.Content] = token.Id;
        }
        return name => added.TryGetValue(name, out var id) ? id : model.TryTokenToId(name, out var m) ? m : null;
    }

    private static BpeModel ReadModel(JsonCursor node, bool byteLevel)
    {
        var type = node.OptionalString("type") ?? (node.Has("merges") ? "BPE" : null);
        if (type != "BPE")
        {
            throw (type is null ? node : node.Get("type")).NotSupported(
                $"only BPE models are supported (found {(type is null ? "no model type" : JsonCursor.Quote(type))}); " +
                "Unigram/WordPiece/WordLevel tokenizers cannot be loaded by Unlearn");
        }
        if (node.Optional("dropout") is { } dropout && dropout.GetDouble() > 0)
        {
            throw dropout.NotSupported("BPE dropout makes tokenization random; set \"dropout\" to null for inference");
        }
        var vocabNode = node.Get("vocab");
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        foreach (var (name, value) in vocabNode.Properties())
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
        var prefix = node.OptionalString("continuing_subword_prefix") ?? "";
        var suffix = node.OptionalString("end_of_word_suffix") ?? "";
        var merges = ReadMerges(node.Get("merges"), tokenIds, prefix);
        var unknown = node.OptionalString("unk_token");
        if (unknown is not null && !tokenIds.ContainsKey(unknown))
        {
            throw node.Get("unk_token").Error($"the unknown token {JsonCursor.Quote(unknown)} is not in the vocabulary");
        }
        var byteFallback = node.OptionalBoolean("byte_fallback", false);
        if (byteFallback && byteLevel)
        {
            throw node.Get("byte_fallback").NotSupported("byte_fallback together with a ByteLevel pre-tokenizer");
        }
        return new BpeModel(new BpeModelData
        {
            Tokens = tokens,
            Merges = merges,
            ByteLevel = byteLevel,
            UnknownToken = unknown,
            FuseUnknown = node.OptionalBoolean("fuse_unk", false),
            ByteFallback = byteFallback,
            IgnoreMerges = node.OptionalBoolean("ignore_merges", false),
            ContinuingSubwordPrefix = prefix,
            EndOfWordSuffix = suffix,
        });
    }

    private static List<(int, int, int)> ReadMerges(JsonCursor node, Dictionary<string, int> tokenIds, string prefix)
    {
        var merges = new List<(int, int, int)>(node.ArrayLength());
        foreach (var item in node.Items())
        {
            string left, right;
            if (item.Kind == System.Text.Json.JsonValueKind.String)
            {
                // Legacy form "a b": tokens never contain a space (it is written Ġ or ▁).
                var text = item.GetString();
                var space = text.IndexOf(' ');
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                {
                    throw item.Error($"a merge must be two tokens separated by one space, found {JsonCursor.Quote(text)}");
                }
                left = text[..space];
                right = text[(space + 1)..];
            }
            else
            {
                var pair = item.Items().ToArray();
                if (pair.Length != 2)
                {
                    throw item.Error("a merge must be a pair [left, right]");
                }
                left = pair[0].GetString();
                right = pair[1].GetString();
            }
            if (!tokenIds.TryGetValue(left, out var leftId))
            {
                throw item.Error($"the merge's left token {JsonCursor.Quote(left)} is not in the vocabulary");
            }
            if (!tokenIds.TryGetValue(right, out var rightId))
            {
                throw item.Error($"the merge's right token {JsonCursor.Quote(right)} is not in the vocabulary");
            }
            var mergedText = prefix.Length > 0 && right.StartsWith(prefix, StringComparison.Ordinal)
                ? left + right[prefix.Length..]
                : left + right;
            if (!tokenIds.TryGetValue(mergedText, out var mergedId))
            {
                throw item.Error($"the merged token {JsonCursor.Quote(mergedText)} is not in the vocabulary");
            }
            merges.Add((leftId, rightId, mergedId));
        }
        return merges;
    }
}
