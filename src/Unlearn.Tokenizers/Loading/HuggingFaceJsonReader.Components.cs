// tokenizer.json, the pipeline components: normalizer, pre_tokenizer, post_processor, decoder.
using System.Text.RegularExpressions;
using Unlearn.Tokenizers.Decoders;
using Unlearn.Tokenizers.Json;
using Unlearn.Tokenizers.Models;
using Unlearn.Tokenizers.Normalizers;
using Unlearn.Tokenizers.PostProcessors;
using Unlearn.Tokenizers.PreTokenizers;
using Unlearn.Tokenizers.PreTokenizers.Patterns;

namespace Unlearn.Tokenizers.Loading;

internal static partial class HuggingFaceJsonReader
{
    private static Normalizer ReadNormalizer(JsonCursor node)
    {
        var type = node.Get("type");
        switch (type.GetString())
        {
            case "NFC":
                return new UnicodeNormalizer(compose: true);
            case "NFD":
                return new UnicodeNormalizer(compose: false);
            case "Prepend":
                return new PrependNormalizer(node.Get("prepend").GetString());
            case "Replace":
            {
                var (literal, regex) = ReadPattern(node.Get("pattern"));
                return new ReplaceNormalizer(literal, regex, node.Get("content").GetString());
            }
            case "Sequence":
                return new SequenceNormalizer(node.Get("normalizers").Items().Select(ReadNormalizer).ToArray());
            default:
                throw type.NotSupported(
                    $"the normalizer {JsonCursor.Quote(type.GetString())} is not supported (supported: NFC, NFD, Prepend, Replace, Sequence)");
        }
    }

    private static PreTokenizer ReadPreTokenizer(JsonCursor node, bool isLast)
    {
        var type = node.Get("type");
        switch (type.GetString())
        {
            case "Split":
            {
                var pattern = ReadSplitPattern(node.Get("pattern"));
                var behaviorNode = node.Get("behavior");
                var behavior = behaviorNode.GetString() switch
                {
                    "Removed" => SplitBehavior.Removed,
                    "Isolated" => SplitBehavior.Isolated,
                    "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
                    "MergedWithNext" => SplitBehavior.MergedWithNext,
                    "Contiguous" => SplitBehavior.Contiguous,
                    var other => throw behaviorNode.Error($"unknown split behavior {JsonCursor.Quote(other)}"),
                };
                return new SplitPreTokenizer(pattern, behavior, node.OptionalBoolean("invert", false));
            }
            case "ByteLevel":
                if (!isLast)
                {
                    // The byte-to-unicode mapping is applied by the model on raw bytes, so nothing may follow it.
                    throw node.NotSupported("a ByteLevel pre-tokenizer must be the last pre-tokenizer of the sequence");
                }
                return new ByteLevelPreTokenizer(
                    node.OptionalBoolean("add_prefix_space", true), node.OptionalBoolean("use_regex", true));
            case "Metaspace":
                return new MetaspacePreTokenizer(ReadChar(node.Get("replacement")), ReadPrependScheme(node),
                    node.OptionalBoolean("split", true));
            case "Sequence":
            {
                var steps = node.Get("pretokenizers").Items().ToArray();
                return new SequencePreTokenizer(steps
                    .Select((step, i) => ReadPreTokenizer(step, isLast && i == steps.Length - 1)).ToArray());
            }
            default:
                throw type.NotSupported(
                    $"the pre-tokenizer {JsonCursor.Quote(type.GetString())} is not supported (supported: Split, ByteLevel, Metaspace, Sequence)");
        }
    }

    /// <summary>Flattens sequences and drops steps that do nothing here (ByteLevel without prefix space or regex).</summary>
    internal static PreTokenizer? Simplify(PreTokenizer preTokenizer)
    {
        var steps = new List<PreTokenizer>();
        Flatten(preTokenizer, steps);
        steps.RemoveAll(s => s is ByteLevelPreTokenizer { AddPrefixSpace: false, UseRegex: false });
        return steps.Count switch
        {
            0 => null,
            1 => steps[0],
            _ => new SequencePreTokenizer(steps),
        };
    }

    private static void Flatten(PreTokenizer preTokenizer, List<PreTokenizer> steps)
    {
        if (preTokenizer is SequencePreTokenizer sequence)
        {
            foreach (var step in sequence.Steps)
            {
                Flatten(step, steps);
            }
        }
        else
        {
            steps.Add(preTokenizer);
        }
    }

    private static PrependScheme ReadPrependScheme(JsonCursor node)
    {
        if (node.Optional("prepend_scheme") is { } scheme)
        {
            return scheme.GetString() switch
            {
                "always" => PrependScheme.Always,
                "first" => PrependScheme.First,
                "never" => PrependScheme.Never,
                var other => throw scheme.Error($"unknown prepend_scheme {JsonCursor.Quote(other)}"),
            };
        }
        return node.OptionalBoolean("add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never;
    }

    private static ISplitPattern ReadSplitPattern(JsonCursor node)
    {
        var (literal, regex) = ReadPattern(node);
        if (literal is not null)
        {
            return new LiteralPattern(literal);
        }
        var source = node.Get("Regex").GetString();
        return source switch
        {
            Llama3Pattern.Llama3Regex => new Llama3Pattern(maxDigits: 3),
            Llama3Pattern.Qwen2Regex => new Llama3Pattern(maxDigits: 1),
            Gpt2Pattern.Regex => Gpt2Pattern.Instance,
            _ => new RegexPattern(regex!),
        };
    }

    /// <summary>{"String": literal} or {"Regex": pattern}.</summary>
    private static (string? Literal, Regex? Regex) ReadPattern(JsonCursor node)
    {
        if (node.Optional("String") is { } literal)
        {
            return (literal.GetString(), null);
        }
        var regexNode = node.Get("Regex");
        try
        {
            return (null, RegexPattern.Compile(regexNode.GetString()));
        }
        catch (ArgumentException e)
        {
            throw regexNode.NotSupported($"the regular expression cannot be compiled ({e.Message})");
        }
    }

    private static char ReadChar(JsonCursor node)
    {
        var text = node.GetString();
        if (text.Length != 1)
        {
            throw node.NotSupported("the replacement must be a single UTF-16 character");
        }
        return text[0];
    }

    private static PostProcessor ReadPostProcessor(JsonCursor node, Func<string, int?> tokenIds, BpeModel model)
    {
        var type = node.Get("type");
        switch (type.GetString())
        {
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (node.Optional("special_tokens") is { } map)
                {
                    foreach (var (name, value) in map.Properties())
                    {
                        specials[name] = value.Get("ids").Items().Select(i => i.GetInt32()).ToArray();
                    }
                }
                var items = new List<TemplateItem>();
                foreach (var item in node.Get("single").Items())
                {
                    if (item.Optional("SpecialToken") is { } special)
                    {
                        var name = special.Get("id").GetString();
                        if (!specials.TryGetValue(name, out var ids))
                        {
                            throw special.Error($"the template uses {JsonCursor.Quote(name)} but special_tokens does not define it");
                        }
                        items.Add(new TemplateItem(name, ids));
                    }
                    else if (item.Optional("Sequence") is not null)
                    {
                        items.Add(new TemplateItem(null, []));
                    }
                    else
                    {
                        throw item.Error("a template item must be a SpecialToken or a Sequence");
                    }
                }
                return new TemplateProcessor(items);
            }
            case "ByteLevel":
                return new ByteLevelOffsetTrimmer(node.OptionalBoolean("trim_offsets", true),
                    node.OptionalBoolean("add_prefix_space", true), model.KeyBytes);
            case "Sequence":
                return new SequenceProcessor(node.Get("processors").Items()
                    .Select(p => ReadPostProcessor(p, tokenIds, model)).ToArray());
            default:
                throw type.NotSupported(
                    $"the post-processor {JsonCursor.Quote(type.GetString())} is not supported (supported: TemplateProcessing, ByteLevel, Sequence)");
        }
    }

    private static Decoder ReadDecoder(JsonCursor node)
    {
        var type = node.Get("type");
        switch (type.GetString())
        {
            case "ByteLevel":
                return new ByteLevelDecoder();
            case "Replace":
            {
                var (literal, regex) = ReadPattern(node.Get("pattern"));
                return new ReplaceDecoder(literal, regex, node.Get("content").GetString());
            }
            case "ByteFallback":
                return new ByteFallbackDecoder();
            case "Fuse":
                return new FuseDecoder();
            case "Strip":
                return new StripDecoder(ReadChar(node.Get("content")), node.OptionalInt32("start", 0),
                    node.OptionalInt32("stop", 0));
            case "Metaspace":
                return new MetaspaceDecoder(ReadChar(node.Get("replacement")), ReadPrependScheme(node) != PrependScheme.Never);
            case "Sequence":
                return new SequenceDecoder(node.Get("decoders").Items().Select(ReadDecoder).ToArray());
            default:
                throw type.NotSupported(
                    $"the decoder {JsonCursor.Quote(type.GetString())} is not supported (supported: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence)");
        }
    }
}
