// A loaded tokenizer: Hugging Face-exact encode/decode for Llama 2/3, Qwen2 and GPT-2 style BPE tokenizers,
// whichever file format it came from (see Tokenizer.Load). Immutable and thread-safe; results never depend on
// threads or caches. This file holds the vocabulary and metadata; encoding, decoding, batching and chat live in
// the other Tokenizer.*.cs files.
using Unlearn.Tokenizers.Decoders;
using Unlearn.Tokenizers.Loading;
using Unlearn.Tokenizers.Models;
using Unlearn.Tokenizers.Normalizers;
using Unlearn.Tokenizers.PostProcessors;
using Unlearn.Tokenizers.PreTokenizers;

namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    private readonly BpeModel _model;
    private readonly AddedVocabulary _added;
    private readonly Normalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly PostProcessor? _postProcessor;
    private readonly Decoder? _decoder;
    private readonly bool _byteLevelDecoderOnly;
    private readonly HashSet<int> _specialIds;

    internal Tokenizer(TokenizerComponents components, TokenizerMetadata metadata)
    {
        _model = components.Model;
        _normalizer = components.Normalizer;
        _preTokenizer = components.PreTokenizer;
        _postProcessor = components.PostProcessor;
        _decoder = components.Decoder;
        _byteLevelDecoderOnly = _decoder is ByteLevelDecoder && _model.ByteLevel;
        _added = new AddedVocabulary(components.AddedTokens,
            _normalizer is null ? null : text => _normalizer.Normalize(text));
        _specialIds = _added.Tokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();
        SourcePath = components.SourcePath;
        Format = components.Format;
        BosToken = metadata.BosToken;
        EosToken = metadata.EosToken;
        UnkToken = metadata.UnkToken;
        PadToken = metadata.PadToken;
        BosId = metadata.BosToken is { } bos ? TokenToId(bos) : null;
        EosId = metadata.EosToken is { } eos ? TokenToId(eos) : null;
        UnkId = metadata.UnkToken is { } unk ? TokenToId(unk) : null;
        PadId = metadata.PadToken is { } pad ? TokenToId(pad) : null;
        ChatTemplateSource = metadata.ChatTemplate;
        ChatTemplatePath = metadata.ChatTemplatePath;
        CleanUpTokenizationSpaces = metadata.CleanUpTokenizationSpaces;
        var template = FindTemplate(_postProcessor);
        AddBos = template is not null && BosId is { } b && template.Prefix.Contains(b);
        AddEos = template is not null && EosId is { } e && template.Suffix.Contains(e);
        var maxAdded = _added.Tokens.Count == 0 ? -1 : _added.Tokens.Max(t => t.Id);
        VocabSize = Math.Max(_model.Size, maxAdded + 1);
        ChatFormat = Chat.ChatTemplate.Detect(metadata.ChatTemplate).Format;
    }

    /// <summary>The file the vocabulary was read from.</summary>
    public string SourcePath { get; }

    public TokenizerFileFormat Format { get; }

    /// <summary>One past the largest token id, added tokens included (Hugging Face's <c>len(tokenizer)</c>).</summary>
    public int VocabSize { get; }

    public string? BosToken { get; }

    public string? EosToken { get; }

    public string? UnkToken { get; }

    public string? PadToken { get; }

    public int? BosId { get; }

    public int? EosId { get; }

    public int? UnkId { get; }

    public int? PadId { get; }

    /// <summary>True when encoding with special tokens puts BOS first (from tokenizer_config.json / the template).</summary>
    public bool AddBos { get; }

    /// <summary>True when encoding with special tokens puts EOS last.</summary>
    public bool AddEos { get; }

    /// <summary>The Jinja chat template from chat_template.jinja or tokenizer_config.json, if any (not executed; see
    /// <see cref="ChatFormat"/>).</summary>
    public string? ChatTemplateSource { get; }

    /// <summary>The file <see cref="ChatTemplateSource"/> came from.</summary>
    public string? ChatTemplatePath { get; }

    /// <summary>The chat format recognised from <see cref="ChatTemplateSource"/>; Plain when there is none or it is not
    /// recognised (<see cref="ResolveChatTemplate"/> refuses the latter).</summary>
    public Chat.ChatFormat ChatFormat { get; }

    /// <summary>transformers' clean_up_tokenization_spaces setting from the config (Decode applies it only when asked).</summary>
    public bool CleanUpTokenizationSpaces { get; }

    /// <summary>Ids of the added tokens flagged special (skipped by Decode with skipSpecialTokens).</summary>
    public IReadOnlySet<int> SpecialIds => _specialIds;

    /// <summary>Every added token (special or not) with its flags, ordered by id.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _added.Tokens;

    public bool IsSpecial(int id) => _specialIds.Contains(id);

    /// <summary>The vocabulary string of a token ("Ġplay", "▁play", "&lt;|eot_id|&gt;"); null for an unused id.</summary>
    public string? IdToToken(int id) =>
        _added.TryGet(id, out var token) ? token.Content : _model.IdToToken(id);

    /// <summary>The id of a vocabulary string (added tokens first, as Hugging Face); null when absent.</summary>
    public int? TokenToId(string token)
    {
        if (_added.TryGet(token, out var added))
        {
            return added.Id;
        }
        return _model.TryTokenToId(token, out var id) ? id : null;
    }

    /// <summary>The bytes a token stands for when decoded in the middle of a text (" play" for "Ġplay" or "▁play";
    /// the single byte for "&lt;0x0A&gt;"). Position-dependent decoder steps (stripping the first space) do not apply.</summary>
    public byte[] TokenBytes(int id)
    {
        var token = IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(id), id,
            $"Token id {id} is not in the vocabulary (size {VocabSize}).");
        if (_byteLevelDecoderOnly && !_added.TryGet(id, out _))
        {
            return _model.KeyBytes(id).ToArray();
        }
        return _decoder is null
            ? System.Text.Encoding.UTF8.GetBytes(token)
            : _decoder.TransformSingle(new TokenValue(token, null)).ToBytes();
    }

    private static TemplateProcessor? FindTemplate(PostProcessor? processor) => processor switch
    {
        TemplateProcessor template => template,
        SequenceProcessor sequence => sequence.Steps.Select(FindTemplate).FirstOrDefault(t => t is not null),
        _ => null,
    };

    internal BpeModel Model => _model;
}
