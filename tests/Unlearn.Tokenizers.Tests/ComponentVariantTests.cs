// Pipeline components the real fixtures do not use, checked against equivalent layouts that the fixtures do:
//   GPT-2 style ByteLevel(use_regex) pre-tokenizer, in tokenizer.json and in vocab.json + merges.txt form;
//   the non-legacy Llama 2 layout (Metaspace pre-tokenizer with prepend_scheme "first", Metaspace decoder),
//   which must equal the legacy Prepend/Replace layout on text without special tokens or a leading space.
using System.Text.Json.Nodes;

namespace Unlearn.Tokenizers.Tests;

public sealed class ComponentVariantTests
{
    [Fact]
    public void Load_ByteLevelWithGpt2Regex_JsonAndVocabMergesAgree()
    {
        using var folder = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.Folder("qwen2.5-hf"), "tokenizer.json")))!;
        json["normalizer"] = null;
        json["pre_tokenizer"] = JsonNode.Parse("{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true}");
        var jsonTokenizer = Tokenizer.Load(folder.Write("tokenizer.json", json.ToJsonString()));

        using var gpt2 = new TempFolder();
        File.Copy(TestData.File("qwen2.5-0.5b-instruct", "vocab.json"), Path.Combine(gpt2.Path, "vocab.json"));
        File.Copy(TestData.File("qwen2.5-0.5b-instruct", "merges.txt"), Path.Combine(gpt2.Path, "merges.txt"));
        gpt2.Write("tokenizer_config.json", "{\"tokenizer_class\": \"GPT2Tokenizer\", \"add_prefix_space\": false}");
        var vocabTokenizer = Tokenizer.Load(gpt2.Path);

        foreach (var text in TestTexts.All)
        {
            Assert.Equal(jsonTokenizer.Encode(text, false, false), vocabTokenizer.Encode(text, false, false));
            Assert.Equal(text, vocabTokenizer.Decode(vocabTokenizer.Encode(text, false, false)));
        }
    }

    [Fact]
    public void Encode_ByteLevelAddPrefixSpace_TreatsFirstWordLikeTheOthers()
    {
        using var folder = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.Folder("qwen2.5-hf"), "tokenizer.json")))!;
        json["normalizer"] = null;
        json["pre_tokenizer"] = JsonNode.Parse("{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true}");
        json["post_processor"] = JsonNode.Parse("{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true}");
        var tokenizer = Tokenizer.Load(folder.Write("tokenizer.json", json.ToJsonString()));
        Assert.Equal(tokenizer.Encode(" Hello world"), tokenizer.Encode("Hello world"));
        // trim_offsets: " world" reports only "world".
        var encoded = tokenizer.EncodeWithOffsets("Hello world");
        Assert.Equal(new TokenOffset(6, 11), encoded.Offsets[^1]);
    }

    [Fact]
    public void Encode_NonLegacyMetaspaceLayout_EqualsLegacyLayoutWithoutSpecials()
    {
        using var folder = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(TestData.File("llama2-hf", "tokenizer.json")))!;
        json["normalizer"] = null;
        json["pre_tokenizer"] = JsonNode.Parse("{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"first\", \"split\": false}");
        json["decoder"] = JsonNode.Parse("{\"type\": \"Sequence\", \"decoders\": [{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"first\", \"split\": false}, {\"type\": \"ByteFallback\"}, {\"type\": \"Fuse\"}]}");
        var metaspace = Tokenizer.Load(folder.Write("tokenizer.json", json.ToJsonString()));
        var legacy = TestData.Llama2Json();
        // Text that starts with a space differs by design: legacy prepends "▁" to "▁Hello", Metaspace does not.
        foreach (var (text, _) in TestData.LlamaCppVectors("llama-spm").Where(v => !v.Text.StartsWith(' ')))
        {
            Assert.Equal(legacy.Encode(text, false, false), metaspace.Encode(text, false, false));
        }
        Assert.Equal(legacy.Encode("Hello", false, false), metaspace.Encode(" Hello", false, false));
        // "first": only the first segment gets the "▁" prefix, so "." after <s> is not "▁." as in the legacy layout.
        var withSpecial = metaspace.Encode("Hello <s>.", addSpecialTokens: false);
        Assert.Equal(legacy.TokenToId("."), withSpecial[^1]);
        Assert.Equal("Hello world", metaspace.Decode(metaspace.Encode("Hello world", false)));
    }
}
