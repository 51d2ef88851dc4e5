// Reads a Hugging Face tokenizer.json: model (BPE), added_tokens, normalizer, pre_tokenizer, post_processor and
// decoder. A component or option this library does not implement is refused with its JSON path.
// `truncation` and `padding` are ignored, as transformers does (it resets them on every call).
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Unlearn.Tokenizers.Json;
using Unlearn.Tokenizers.Models;

namespace Unlearn.Tokenizers.Loading;

internal static partial class HuggingFaceJsonReader
{
    public static TokenizerComponents Read(string path)
    {
        var bytes = ReadAllBytes(path);
        var sections = ScanSections(path, bytes, out var modelSections, out var mergeStarts);
        var documents = new List<JsonDocument>();
        try
        {
            JsonCursor? Section(string name) =>
                sections.TryGetValue(name, out var range) ? ParseSection(path, bytes, range, $"$.{name}", documents) : null;

            var preTokenizerNode = Section("pre_tokenizer") is { IsNull: false } p ? p : (JsonCursor?)null;
            var byteLevel = preTokenizerNode is { } pre && ContainsType(pre, "ByteLevel");
            if (!sections.ContainsKey("model"))
            {
                throw new TokenizerFormatException(path, "$.model", "the field is missing");
            }
            var model = ReadModel(path, bytes, modelSections, mergeStarts, documents, byteLevel);
            var addedTokens = new List<AddedToken>();
            if (Section("added_tokens") is { IsNull: false } added)
            {
                foreach (var item in added.Items())
                {
                    addedTokens.Add(TokenizerConfig.ReadAddedToken(item, item.Get("id").GetInt32()));
                }
            }
            var normalizer = Section("normalizer") is { IsNull: false } n ? ReadNormalizer(n) : null;
            var preTokenizer = preTokenizerNode is { } pt ? Simplify(ReadPreTokenizer(pt, isLast: true)) : null;
            var tokenIds = BuildTokenIds(model, addedTokens);
            var postProcessor = Section("post_processor") is { IsNull: false } pp ? ReadPostProcessor(pp, tokenIds, model) : null;
            var decoder = Section("decoder") is { IsNull: false } d ? ReadDecoder(d) : null;
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
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    /// <summary>Finds the byte range of every top-level value, and of every property of "model".</summary>
    private static Dictionary<string, (int Start, int End)> ScanSections(string path, byte[] bytes,
        out Dictionary<string, (int Start, int End)> modelSections, out List<int> mergeStarts)
    {
        mergeStarts = [];
        var sections = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        modelSections = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var scanner = new JsonScanner(bytes, 0, bytes.Length, path);
        if (bytes.AsSpan().StartsWith("\uFEFF"u8))
        {
            scanner.Position = 3;
        }
        scanner.Expect((byte)'{', "'{' (a tokenizer.json is one JSON object)");
        var buffer = new byte[256];
        if (scanner.Peek() != '}')
        {
            do
            {
                var name = Encoding.UTF8.GetString(scanner.ReadString(ref buffer));
                scanner.Expect((byte)':', "':'");
                if (name == "model" && scanner.Peek() == '{')
                {
                    var start = scanner.FilePosition;
                    scanner.Expect((byte)'{', "'{'");
                    if (scanner.Peek() != '}')
                    {
                        do
                        {
                            var field = Encoding.UTF8.GetString(scanner.ReadString(ref buffer));
                            scanner.Expect((byte)':', "':'");
                            if (field == "merges" && scanner.Peek() == '[')
                            {
                                mergeStarts.Clear();
                                modelSections[field] = scanner.SkipArray(mergeStarts);
                            }
                            else
                            {
                                modelSections[field] = scanner.SkipValue();
                            }
                        }
                        while (scanner.NextItem((byte)'}', "the model object"));
                    }
                    scanner.Expect((byte)'}', "'}'");
                    sections[name] = (start, scanner.FilePosition);
                }
                else
                {
                    sections[name] = scanner.SkipValue();
                }
            }
            while (scanner.NextItem((byte)'}', "the top-level object"));
        }
        scanner.Expect((byte)'}', "'}'");
        if (scanner.Peek() != 0)
        {
            throw scanner.Error("unexpected data after the end of the JSON object");
        }
        return sections;
    }

    private static JsonCursor ParseSection(string path, byte[] bytes, (int Start, int End) range, string jsonPath,
        List<JsonDocument> documents)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(range.Start, range.End - range.Start));
        }
        catch (JsonException e)
        {
            throw JsonScanner.Error(bytes, path, range.Start + SectionOffset(bytes, range.Start, e),
                $"{jsonPath} is not valid JSON ({e.Message.Split(". ")[0]})");
        }
        documents.Add(document);
        return new JsonCursor(document.RootElement, jsonPath, path);
    }

    /// <summary>Turns a JsonException's line/byte (relative to a section) into an offset within the section.</summary>
    private static int SectionOffset(byte[] bytes, int start, JsonException e)
    {
        var line = e.LineNumber ?? 0;
        var offset = start;
        while (line > 0 && offset < bytes.Length)
        {
            if (bytes[offset++] == '\n')
            {
                line--;
            }
        }
        return offset - start + (int)(e.BytePositionInLine ?? 0);
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

    private static BpeModel ReadModel(string path, byte[] bytes, Dictionary<string, (int Start, int End)> sections,
        List<int> mergeStarts, List<JsonDocument> documents, bool byteLevel)
    {
        // The small fields are parsed as one little JSON object; vocab and merges are scanned in place.
        var small = new List<byte>((byte)'{');
        small.Clear();
        small.Add((byte)'{');
        foreach (var (name, range) in sections)
        {
            if (name is "vocab" or "merges")
            {
                continue;
            }
            if (small.Count > 1)
            {
                small.Add((byte)',');
            }
            small.AddRange(Encoding.UTF8.GetBytes(JsonCursor.Quote(name) + ":"));
            small.AddRange(bytes.AsSpan(range.Start, range.End - range.Start));
        }
        small.Add((byte)'}');
        var node = ParseSection(path, [.. small], (0, small.Count), "$.model", documents);
        var type = node.OptionalString("type") ?? (sections.ContainsKey("merges") ? "BPE" : null);
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
        if (!sections.TryGetValue("vocab", out var vocabRange))
        {
            throw new TokenizerFormatException(path, "$.model.vocab", "the field is missing");
        }
        if (!sections.TryGetValue("merges", out var mergesRange))
        {
            throw new TokenizerFormatException(path, "$.model.merges", "the field is missing");
        }
        if (bytes[mergesRange.Start] != '[')
        {
            throw new TokenizerFormatException(path, "$.model.merges", "expected an array of merges");
        }
        var (table, size) = ReadVocabulary(path, bytes, vocabRange);
        var prefix = node.OptionalString("continuing_subword_prefix") ?? "";
        var suffix = node.OptionalString("end_of_word_suffix") ?? "";
        var merges = ReadMerges(path, bytes, mergeStarts, table, Encoding.UTF8.GetBytes(prefix));
        var unknown = node.OptionalString("unk_token");
        if (unknown is not null && !table.TryGetValue(Encoding.UTF8.GetBytes(unknown), out _))
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
            Size = size,
            TokenTable = table,
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

    /// <summary>Reads model.vocab: no string per token (the model makes token strings on demand), which keeps
    /// loading a 128k vocabulary fast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ByteSequenceTable Table, int Size) ReadVocabulary(string path, byte[] bytes, (int Start, int End) range)
    {
        var scanner = new JsonScanner(bytes, range.Start, range.End - range.Start, path);
        scanner.Expect((byte)'{', "'{' ($.model.vocab is an object of token: id)");
        var table = new ByteSequenceTable(Math.Max(16, (range.End - range.Start) / 12));
        var maxId = -1;
        var buffer = new byte[256];
        if (scanner.Peek() != '}')
        {
            do
            {
                var key = scanner.ReadString(ref buffer);
                scanner.Expect((byte)':', "':'");
                if (!scanner.TryReadInt32(out var id) || id < 0)
                {
                    throw new TokenizerFormatException(path, $"$.model.vocab[{JsonCursor.Quote(Encoding.UTF8.GetString(key))}]",
                        "expected a token id (a non-negative integer)");
                }
                table.Add(key, id);
                maxId = Math.Max(maxId, id);
            }
            while (scanner.NextItem((byte)'}', "$.model.vocab"));
        }
        return (table, maxId + 1);
    }

    /// <summary>Reads model.merges. The scan recorded where each merge starts, so large lists are read in parallel
    /// chunks (280k merges are about half of Llama 3's load time on one core); results and errors do not depend on
    /// the thread count (each merge goes to its index; the error reported is the one with the lowest index).</summary>
    private static (int, int, int)[] ReadMerges(string path, byte[] bytes, List<int> starts, ByteSequenceTable tokens,
        byte[] prefix)
    {
        var merges = new (int, int, int)[starts.Count];
        var chunks = starts.Count < 50_000 ? 1 : Math.Clamp(Environment.ProcessorCount, 1, 8);
        var errors = new TokenizerFormatException?[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            try
            {
                ReadMergeRange(path, bytes, starts, (int)((long)chunk * starts.Count / chunks),
                    (int)((long)(chunk + 1) * starts.Count / chunks), tokens, prefix, merges);
            }
            catch (TokenizerFormatException e)
            {
                errors[chunk] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw error;
        }
        return merges;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReadMergeRange(string path, byte[] bytes, List<int> starts, int from, int to,
        ByteSequenceTable tokens, byte[] prefix, (int, int, int)[] merges)
    {
        var scanner = new JsonScanner(bytes, 0, bytes.Length, path);
        var first = new byte[256];
        var second = new byte[256];
        var merged = new byte[1024];
        for (var index = from; index < to; index++)
        {
            scanner.Position = starts[index];
            ReadOnlySpan<byte> left, right;
            if (scanner.Peek() == '"')
            {
                // Legacy form "a b": tokens never contain a space (it is written Ġ or ▁).
                var raw = scanner.ReadString(ref first);
                var space = raw.IndexOf((byte)' ');
                if (space <= 0 || space == raw.Length - 1 || raw[(space + 1)..].IndexOf((byte)' ') >= 0)
                {
                    throw new TokenizerFormatException(path, $"$.model.merges[{index}]",
                        $"a merge must be two tokens separated by one space, found {JsonCursor.Quote(Encoding.UTF8.GetString(raw))}");
                }
                left = raw[..space];
                right = raw[(space + 1)..];
            }
            else if (scanner.Peek() == '[')
            {
                scanner.Expect((byte)'[', "'['");
                left = scanner.ReadString(ref first);
                scanner.Expect((byte)',', "',' (a merge pair has two tokens)");
                right = scanner.ReadString(ref second);
                scanner.Expect((byte)']', "']' (a merge pair has two tokens)");
            }
            else
            {
                throw new TokenizerFormatException(path, $"$.model.merges[{index}]", "a merge must be a string \"left right\" or a pair [left, right]");
            }
            if (!tokens.TryGetValue(left, out var leftId))
            {
                throw new TokenizerFormatException(path, $"$.model.merges[{index}]",
                    $"the merge's left token {JsonCursor.Quote(Encoding.UTF8.GetString(left))} is not in the vocabulary");
            }
            if (!tokens.TryGetValue(right, out var rightId))
            {
                throw new TokenizerFormatException(path, $"$.model.merges[{index}]",
                    $"the merge's right token {JsonCursor.Quote(Encoding.UTF8.GetString(right))} is not in the vocabulary");
            }
            if (prefix.Length > 0 && right.StartsWith(prefix))
            {
                right = right[prefix.Length..];
            }
            var length = left.Length + right.Length;
            if (merged.Length < length)
            {
                merged = new byte[length * 2];
            }
            left.CopyTo(merged);
            right.CopyTo(merged.AsSpan(left.Length));
            if (!tokens.TryGetValue(merged.AsSpan(0, length), out var mergedId))
            {
                throw new TokenizerFormatException(path, $"$.model.merges[{index}]",
                    $"the merged token {JsonCursor.Quote(Encoding.UTF8.GetString(merged, 0, length))} is not in the vocabulary");
            }
            merges[index] = (leftId, rightId, mergedId);
        }
    }
}
