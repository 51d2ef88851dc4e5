// Stand-in model folders (stand-in.json → random weights of a published shape plus copied tokenizer files): the
// bytes are a function of the spec alone (two folders, one or two threads), an unchanged folder is left alone, a
// changed spec remakes it, and a bad spec names its file and field.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Unlearn.Models.Config;
using Unlearn.Models.StandIn;
using Unlearn.Numerics.Threading;

namespace Unlearn.Models.Tests.StandIn;

public sealed class StandInModelTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "unlearn-standin-" + Guid.NewGuid().ToString("N"));

    public StandInModelTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Folder(string name, string config = """{"num_hidden_layers": 2, "hidden_size": 16, "intermediate_size": 32, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8}""", int seed = 0)
    {
        File.WriteAllText(Path.Combine(root, "tokenizer.model"), "not read by the maker, only copied\n");
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, StandInSpec.FileName), $$$"""
            {"format": "unlearn-stand-in", "version": 1, "about": "test", "shape": "llama-3.2-3b",
             "config": {{{config}}}, "seed": {{{seed}}},
             "token_ids": {"bos_token_id": 128000, "eos_token_id": [128001, 128009]},
             "copy": {"tokenizer.model": "../tokenizer.model"}}
            """);
        return folder;
    }

    private static string Sha(string folder, string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, file))));

    [Fact]
    public void Materialise_SameSpecInTwoFoldersOnOneAndTwoThreads_GivesIdenticalBytes()
    {
        int original = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 1;
            var first = StandInModel.Materialise(Folder("a"));
            Parallelism.ThreadCount = 2;
            var second = StandInModel.Materialise(Folder("b"));

            Assert.True(first.Made && second.Made);
            Assert.Equal(first.Fingerprint, second.Fingerprint);
            foreach (var file in first.Files)
            {
                Assert.Equal((file, Sha(Path.Combine(root, "a"), file)), (file, Sha(Path.Combine(root, "b"), file)));
            }
        }
        finally
        {
            Parallelism.ThreadCount = original;
        }
    }

    [Fact]
    public void Materialise_OtherSeed_GivesOtherWeightsAndTheSameConfig()
    {
        StandInModel.Materialise(Folder("a"));
        StandInModel.Materialise(Folder("b", seed: 1));

        Assert.NotEqual(Sha(Path.Combine(root, "a"), "model.safetensors"), Sha(Path.Combine(root, "b"), "model.safetensors"));
        Assert.Equal(Sha(Path.Combine(root, "a"), "config.json"), Sha(Path.Combine(root, "b"), "config.json"));
    }

    [Fact]
    public void Materialise_Llama323BStandIn_WritesThePublishedStructureWithTheOverriddenSizes()
    {
        string folder = Folder("a");
        StandInModel.Materialise(folder);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        // Llama-3.2-3B-Instruct's config.json on the Hub: vocabulary, RoPE, norms and tying are kept.
        Assert.Equal(128256, config["vocab_size"]!.GetValue<int>());
        Assert.Equal(500000.0, config["rope_theta"]!.GetValue<double>());
        Assert.Equal("llama3", config["rope_scaling"]!["rope_type"]!.GetValue<string>());
        Assert.Equal(32.0, config["rope_scaling"]!["factor"]!.GetValue<double>());
        Assert.True(config["tie_word_embeddings"]!.GetValue<bool>());
        Assert.Equal(2, config["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal(16, config["hidden_size"]!.GetValue<int>());
        Assert.Equal(128000, config["bos_token_id"]!.GetValue<int>());
        var read = ModelConfig.Load(Path.Combine(folder, "config.json"));
        Assert.Equal(2, read.LayerCount);
        Assert.Equal(File.ReadAllText(Path.Combine(root, "tokenizer.model")), File.ReadAllText(Path.Combine(folder, "tokenizer.model")));
    }

    [Fact]
    public void Materialise_UpToDateFolder_IsLeftAloneAndAChangedSpecRemakesIt()
    {
        string folder = Folder("a");
        Assert.True(StandInModel.Materialise(folder).Made);
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors"));

        Assert.False(StandInModel.Materialise(folder).Made);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors")));

        string before = Sha(folder, "model.safetensors");
        Folder("a", seed: 3);
        Assert.True(StandInModel.Materialise(folder).Made);
        Assert.NotEqual(before, Sha(folder, "model.safetensors"));
    }

    [Fact]
    public void Materialise_MissingWeightsWithMarker_RemakesThem()
    {
        string folder = Folder("a");
        StandInModel.Materialise(folder);
        string sha = Sha(folder, "model.safetensors");
        File.Delete(Path.Combine(folder, "model.safetensors"));

        Assert.True(StandInModel.Materialise(folder).Made);
        Assert.Equal(sha, Sha(folder, "model.safetensors"));
    }

    [Fact]
    public void Load_SizeThatAStandInMayNotChange_NamesTheFieldAndTheFile()
    {
        string folder = Folder("a", config: """{"vocab_size": 10}""");

        var error = Assert.Throws<ModelConfigException>(() => StandInSpec.Load(Path.Combine(folder, StandInSpec.FileName)));

        Assert.Contains("config.vocab_size", error.Message, StringComparison.Ordinal);
        Assert.Contains(StandInSpec.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Materialise_CopiedFileMissing_SaysWhichCopyEntry()
    {
        string folder = Folder("a");
        File.Delete(Path.Combine(root, "tokenizer.model"));

        var error = Assert.Throws<FileNotFoundException>(() => StandInModel.Materialise(folder));

        Assert.Contains("copy.tokenizer.model", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, StandInModel.MarkerFile)));
    }
}
