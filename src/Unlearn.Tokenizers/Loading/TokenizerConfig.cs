// What transformers reads from tokenizer_config.json (and special_tokens_map.json / added_tokens.json beside it):
// special token names, whether BOS/EOS are added, the chat template (or chat_template.jinja), extra added tokens and flags.
// Only the fields that change tokenization are read; unknown fields are ignored, as transformers does.
using System.Text.Json;
using Unlearn.Tokenizers.Json;

namespace Unlearn.Tokenizers.Loading;

internal sealed class TokenizerConfig
{
    public string? BosToken { get; private set; }

    public string? EosToken { get; private set; }

    public string? UnknownToken { get; private set; }

    public string? PadToken { get; private set; }

    public bool? AddBosToken { get; private set; }

    public bool? AddEosToken { get; private set; }

    public bool? AddPrefixSpace { get; private set; }

    public bool CleanUpTokenizationSpaces { get; private set; }

    public string? TokenizerClass { get; private set; }

    public string? ChatTemplate { get; private set; }

    /// <summary>The file <see cref="ChatTemplate"/> was read from (tokenizer_config.json or chat_template.jinja).</summary>
    public string? ChatTemplatePath { get; private set; }

    /// <summary>Added tokens declared by the config (added_tokens_decoder, then added_tokens.json), by id.</summary>
    public SortedDictionary<int, AddedToken> AddedTokens { get; } = [];

    /// <summary>Token strings listed as special (bos/eos/unk/pad/additional_special_tokens).</summary>
    public HashSet<string> SpecialTokenNames { get; } = new(StringComparer.Ordinal);

    /// <summary>Files that were read, for error messages and provenance.</summary>
    public List<string> Files { get; } = [];

    public static TokenizerConfig Read(string directory)
    {
        var config = new TokenizerConfig();
        var mapPath = Path.Combine(directory, "special_tokens_map.json");
        if (File.Exists(mapPath))
        {
            config.ReadSpecialTokensMap(mapPath);
        }
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            config.ReadTokenizerConfig(configPath);
        }
        var addedPath = Path.Combine(directory, "added_tokens.json");
        if (File.Exists(addedPath))
        {
            config.ReadAddedTokensJson(addedPath);
        }
        // transformers 4.47+ saves the template as chat_template.jinja beside the config and prefers that file.
        var templatePath = Path.Combine(directory, "chat_template.jinja");
        if (File.Exists(templatePath))
        {
            config.ChatTemplate = File.ReadAllText(templatePath);
            config.ChatTemplatePath = templatePath;
        }
        return config;
    }

    private void ReadSpecialTokensMap(string path)
    {
        Files.Add(path);
        using var document = JsonCursor.Parse(path, File.ReadAllBytes(path));
        var root = JsonCursor.Root(document, path);
        root.RequireKind(JsonValueKind.Object, "an object");
        BosToken = TokenContent(root.Optional("bos_token")) ?? BosToken;
        EosToken = TokenContent(root.Optional("eos_token")) ?? EosToken;
        UnknownToken = TokenContent(root.Optional("unk_token")) ?? UnknownToken;
        PadToken = TokenContent(root.Optional("pad_token")) ?? PadToken;
        ReadAdditionalSpecialTokens(root);
    }

    private void ReadTokenizerConfig(string path)
    {
        Files.Add(path);
        using var document = JsonCursor.Parse(path, File.ReadAllBytes(path));
        var root = JsonCursor.Root(document, path);
        root.RequireKind(JsonValueKind.Object, "an object");
        // In tokenizer_config.json an explicit null means "no such token" and overrides special_tokens_map.json.
        BosToken = ReadOverride(root, "bos_token", BosToken);
        EosToken = ReadOverride(root, "eos_token", EosToken);
        UnknownToken = ReadOverride(root, "unk_token", UnknownToken);
        PadToken = ReadOverride(root, "pad_token", PadToken);
        AddBosToken = root.Optional("add_bos_token")?.GetBoolean();
        AddEosToken = root.Optional("add_eos_token")?.GetBoolean();
        AddPrefixSpace = root.Optional("add_prefix_space")?.GetBoolean();
        CleanUpTokenizationSpaces = root.OptionalBoolean("clean_up_tokenization_spaces", false);
        TokenizerClass = root.OptionalString("tokenizer_class");
        ChatTemplate = ReadChatTemplate(root.Optional("chat_template"));
        ChatTemplatePath = ChatTemplate is null ? null : path;
        if (root.Optional("added_tokens_decoder") is { } decoder)
        {
            foreach (var (name, value) in decoder.Properties())
            {
                if (!int.TryParse(name, out var id) || id < 0)
                {
                    throw value.Error($"the key {JsonCursor.Quote(name)} is not a token id");
                }
                AddedTokens[id] = ReadAddedToken(value, id);
            }
        }
        ReadAdditionalSpecialTokens(root);
        foreach (var name in new[] { BosToken, EosToken, UnknownToken, PadToken })
        {
            if (name is not null)
            {
                SpecialTokenNames.Add(name);
            }
        }
    }

    private void ReadAddedTokensJson(string path)
    {
        Files.Add(path);
        using var document = JsonCursor.Parse(path, File.ReadAllBytes(path));
        var root = JsonCursor.Root(document, path);
        foreach (var (content, value) in root.Properties())
        {
            var id = value.GetInt32();
            if (AddedTokens.ContainsKey(id))
            {
                continue; // added_tokens_decoder already gave this token its flags
            }
            var special = SpecialTokenNames.Contains(content);
            AddedTokens[id] = new AddedToken(id, content, special, Normalized: !special);
        }
    }

    private void ReadAdditionalSpecialTokens(JsonCursor root)
    {
        if (root.Optional("additional_special_tokens") is not { } list)
        {
            return;
        }
        foreach (var item in list.Items())
        {
            if (TokenContent(item) is { } content)
            {
                SpecialTokenNames.Add(content);
            }
        }
    }

    private static string? ReadOverride(JsonCursor root, string name, string? fallback)
    {
        if (root.Element.TryGetProperty(name, out var value))
        {
            return value.ValueKind == JsonValueKind.Null
                ? null
                : TokenContent(new JsonCursor(value, $"{root.Path}.{name}", root.File));
        }
        return fallback;
    }

    /// <summary>A special token is written either as a string or as {"content": ...}.</summary>
    private static string? TokenContent(JsonCursor? value)
    {
        if (value is not { } cursor || cursor.IsNull)
        {
            return null;
        }
        return cursor.Kind == JsonValueKind.String ? cursor.GetString() : cursor.Get("content").GetString();
    }

    private static string? ReadChatTemplate(JsonCursor? value)
    {
        if (value is not { } cursor)
        {
            return null;
        }
        if (cursor.Kind == JsonValueKind.String)
        {
            return cursor.GetString();
        }
        // Newer files may hold a list of named templates; "default" is the one transformers uses.
        foreach (var item in cursor.Items())
        {
            if (item.OptionalString("name") == "default")
            {
                return item.Get("template").GetString();
            }
        }
        return null;
    }

    internal static AddedToken ReadAddedToken(JsonCursor value, int id)
    {
        var special = value.OptionalBoolean("special", false);
        return new AddedToken(
            id,
            value.Get("content").GetString(),
            special,
            LStrip: value.OptionalBoolean("lstrip", false),
            RStrip: value.OptionalBoolean("rstrip", false),
            Normalized: value.OptionalBoolean("normalized", !special),
            SingleWord: value.OptionalBoolean("single_word", false));
    }
}
