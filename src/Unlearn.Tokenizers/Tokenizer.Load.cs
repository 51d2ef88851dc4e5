// Tokenizer, loading: a model folder or a single file. In a folder the best file present wins:
// tokenizer.json > tokenizer.model (SentencePiece or tiktoken, told apart by content) > vocab.json + merges.txt >
// tokenizer.bin / tok*.bin (llama2.c). tokenizer_config.json (with special_tokens_map.json and added_tokens.json)
// beside it supplies special tokens, BOS/EOS handling and the chat template (chat_template.jinja wins when present).
using Unlearn.Tokenizers.Loading;
using Unlearn.Tokenizers.PostProcessors;

namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    private static readonly string[] LlamaStyleClasses = ["LlamaTokenizer", "CodeLlamaTokenizer", "GemmaTokenizer"];

    /// <summary>Loads a tokenizer from a model folder or a tokenizer file.</summary>
    /// <exception cref="FileNotFoundException">Nothing usable at <paramref name="path"/>.</exception>
    /// <exception cref="TokenizerFormatException">A file is malformed, truncated or uses an unsupported component;
    /// the message names the file and the JSON path or position.</exception>
    public static Tokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string directory;
        string file;
        if (Directory.Exists(path))
        {
            directory = path;
            file = FindTokenizerFile(path);
        }
        else if (File.Exists(path))
        {
            file = path;
            directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        }
        else
        {
            throw new FileNotFoundException(
                $"No tokenizer at '{path}': give a model folder (with tokenizer.json, tokenizer.model, vocab.json + merges.txt or tokenizer.bin) or one of those files.",
                path);
        }
        var config = TokenizerConfig.Read(directory);
        var components = ReadFile(file, config);
        MergeConfigAddedTokens(components, config);
        var metadata = ResolveMetadata(components, config);
        ApplyBosEos(components, config, metadata);
        return new Tokenizer(components, metadata);
    }

    private static string FindTokenizerFile(string directory)
    {
        foreach (var name in new[] { "tokenizer.json", "tokenizer.model", "vocab.json", "tokenizer.bin" })
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        var llama2c = Directory.EnumerateFiles(directory, "tok*.bin").Order(StringComparer.Ordinal).FirstOrDefault();
        return llama2c ?? throw new FileNotFoundException(
            $"No tokenizer file in '{directory}': expected tokenizer.json, tokenizer.model, vocab.json + merges.txt or tokenizer.bin.",
            Path.Combine(directory, "tokenizer.json"));
    }

    private static TokenizerComponents ReadFile(string file, TokenizerConfig config)
    {
        var name = Path.GetFileName(file);
        if (name.Equals("vocab.json", StringComparison.OrdinalIgnoreCase) || name.Equals("merges.txt", StringComparison.OrdinalIgnoreCase))
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            var vocab = Path.Combine(directory, "vocab.json");
            var merges = Path.Combine(directory, "merges.txt");
            if (!File.Exists(vocab) || !File.Exists(merges))
            {
                throw new FileNotFoundException($"'{file}' needs both vocab.json and merges.txt in '{directory}'.",
                    File.Exists(vocab) ? merges : vocab);
            }
            return VocabMergesReader.Read(vocab, merges, config);
        }
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return HuggingFaceJsonReader.Read(file);
        }
        if (name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            return Llama2cReader.Read(file);
        }
        var head = ReadHead(file);
        if (SentencePieceReader.LooksLikeSentencePiece(head))
        {
            return SentencePieceReader.Read(file);
        }
        if (TiktokenReader.LooksLikeTiktoken(head))
        {
            return TiktokenReader.Read(file, config.AddedTokens.Values);
        }
        throw new TokenizerFormatException(file, "byte 0",
            "the file is neither a SentencePiece model nor a tiktoken rank file (empty, truncated or another format?)");
    }

    private static byte[] ReadHead(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[64];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var head = buffer[..read];
        var newline = Array.IndexOf(head, (byte)'\n');
        return newline >= 0 && !SentencePieceReader.LooksLikeSentencePiece(head) ? head[..(newline + 1)] : head;
    }

    /// <summary>Tokens the config declares that the tokenizer file lacks are added (transformers does the same);
    /// for tokens in both, the tokenizer file's flags win.</summary>
    private static void MergeConfigAddedTokens(TokenizerComponents components, TokenizerConfig config)
    {
        var byId = components.AddedTokens.ToDictionary(t => t.Id);
        foreach (var (id, token) in config.AddedTokens)
        {
            byId.TryAdd(id, token);
        }
        components.AddedTokens = byId.Values.OrderBy(t => t.Id).ToList();
    }

    private static TokenizerMetadata ResolveMetadata(TokenizerComponents components, TokenizerConfig config)
    {
        string? NameOf(int? id) =>
            id is { } i ? components.AddedTokens.FirstOrDefault(t => t.Id == i)?.Content ?? components.Model.IdToToken(i) : null;
        string? FirstKnown(params string[] candidates) =>
            candidates.FirstOrDefault(c => components.AddedTokens.Any(t => t.Content == c) || components.Model.TryTokenToId(c, out _));
        var hasConfig = config.Files.Count > 0;
        var bos = hasConfig ? config.BosToken : NameOf(components.BosId) ?? FirstKnown("<s>", "<|begin_of_text|>", "<bos>");
        var eos = hasConfig ? config.EosToken : NameOf(components.EosId) ?? FirstKnown("</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>");
        var unk = hasConfig ? config.UnknownToken : NameOf(components.UnknownId) ?? FirstKnown("<unk>");
        var pad = hasConfig ? config.PadToken : NameOf(components.PadId);
        return new TokenizerMetadata(bos, eos, unk, pad, config.ChatTemplate, config.ChatTemplatePath, config.CleanUpTokenizationSpaces);
    }

    /// <summary>Decides which special tokens encode adds. tokenizer.json's post-processor is used as written, except
    /// for Llama-style tokenizer classes, which transformers rebuilds from add_bos_token/add_eos_token. The other
    /// formats have no post-processor: BOS/EOS follow the config, with the defaults of the transformers class
    /// (Llama: BOS yes, EOS no; GPT-2/Qwen2: neither).</summary>
    private static void ApplyBosEos(TokenizerComponents components, TokenizerConfig config, TokenizerMetadata metadata)
    {
        var llamaStyle = config.TokenizerClass is { } cls && LlamaStyleClasses.Any(c => cls.StartsWith(c, StringComparison.Ordinal));
        bool addBos, addEos;
        if (components.Format == TokenizerFileFormat.HuggingFaceJson)
        {
            if (!llamaStyle || config.AddBosToken is null && config.AddEosToken is null)
            {
                return;
            }
            var existing = FindTemplateItems(components.PostProcessor);
            addBos = config.AddBosToken ?? existing.Prefix;
            addEos = config.AddEosToken ?? existing.Suffix;
        }
        else
        {
            var defaultBos = components.Format is TokenizerFileFormat.SentencePiece or TokenizerFileFormat.Llama2c
                or TokenizerFileFormat.Tiktoken;
            addBos = config.AddBosToken ?? defaultBos;
            addEos = config.AddEosToken ?? false;
        }
        var items = new List<TemplateItem>();
        if (addBos && metadata.BosToken is { } bos && IdOf(components, bos) is { } bosId)
        {
            items.Add(new TemplateItem(bos, [bosId]));
        }
        items.Add(new TemplateItem(null, []));
        if (addEos && metadata.EosToken is { } eos && IdOf(components, eos) is { } eosId)
        {
            items.Add(new TemplateItem(eos, [eosId]));
        }
        var template = new TemplateProcessor(items);
        components.PostProcessor = components.PostProcessor switch
        {
            null or TemplateProcessor => template,
            SequenceProcessor sequence => new SequenceProcessor(
                sequence.Steps.Where(s => s is not TemplateProcessor).Append(template).ToArray()),
            var other => new SequenceProcessor([other, template]),
        };
    }

    private static (bool Prefix, bool Suffix) FindTemplateItems(PostProcessor? processor) => processor switch
    {
        TemplateProcessor t => (t.Prefix.Any(), t.Suffix.Any()),
        SequenceProcessor s => s.Steps.Select(FindTemplateItems).FirstOrDefault(x => x.Prefix || x.Suffix),
        _ => (false, false),
    };

    private static int? IdOf(TokenizerComponents components, string token) =>
        components.AddedTokens.FirstOrDefault(t => t.Content == token)?.Id
        ?? (components.Model.TryTokenToId(token, out var id) ? id : null);
}
