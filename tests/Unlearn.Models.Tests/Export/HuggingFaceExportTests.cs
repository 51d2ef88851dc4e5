// A Hugging Face export reloads in this runtime to the baked model's logits, matches the PyTorch bake of the same
// edits (export_reference.py golden), shards above the size limit with a valid index, narrows to f16/bf16 by
// round-to-nearest-even, and carries config, tokenizer files, the ban list and the model card.
using System.Text.Json.Nodes;
using Unlearn.Models.Export;
using Unlearn.Models.Formats;
using Unlearn.Models.Tests.Transformer;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Tests.Export;

public class HuggingFaceExportTests
{
    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    [InlineData("stories260K")]
    public void Export_ReloadedByOurLoader_MatchesThePyTorchBakeOfTheSameEdits(string name)
    {
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, exportCase.Edits(model), Request(folder.File("hf"), ExportDType.F32));
        using var reloaded = PretrainedModel.Load(folder.File("hf"));
        var (ids, expected, _) = ExportCase.GoldenLogits(name);

        var actual = reloaded.Model.Forward(ForwardBatch.RightPadded(ids)).Logits;

        ModelTestSupport.AssertClose(expected, actual, 1e-4f, $"{name}: reloaded export vs PyTorch bake");
    }

    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    public void Export_Reloaded_GivesTheBakedModelsLogitsExactly(string name)
    {
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        using var baked = WeightBaker.Bake(model.Model, exportCase.Edits(model));
        using var folder = new TemporaryFolder();
        ModelExporter.Write(model, baked, Request(folder.File("hf"), ExportDType.F32));
        using var reloaded = PretrainedModel.Load(folder.File("hf"));
        int[][] prompts = [[1, 5, 10, 20, 30, 9, 7], [3, 700, 4]];

        Assert.Equal(baked.Model.Shape, reloaded.Model.Shape);
        Assert.Equal(baked.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits, reloaded.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits);
    }

    [Fact]
    public void Export_AboveTheShardSize_WritesShardsAndAnIndexThatReloads()
    {
        using var model = ExportCase.Stories.Load();
        using var baked = WeightBaker.Bake(model.Model, ExportCase.Stories.Edits(model));
        using var folder = new TemporaryFolder();
        var result = ModelExporter.Write(model, baked, Request(folder.File("hf"), ExportDType.F32) with { MaxShardBytes = 300_000 });
        using var reloaded = PretrainedModel.Load(folder.File("hf"));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.File("hf"), SafetensorsCheckpoint.IndexFileName)))!;
        var shards = result.Files.Where(f => f.StartsWith("model-", StringComparison.Ordinal)).ToList();
        long tensorBytes = shards.Sum(s => TensorBytes(Path.Combine(folder.File("hf"), s)));

        Assert.True(shards.Count >= 3, $"expected several shards, got {string.Join(", ", shards)}");
        Assert.All(shards, s => Assert.Matches($@"^model-\d{{5}}-of-{shards.Count:D5}\.safetensors$", s));
        Assert.DoesNotContain(SafetensorsCheckpoint.SingleFileName, result.Files);
        Assert.Equal(tensorBytes, index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.Equal(47, index["weight_map"]!.AsObject().Count);
        int[][] prompts = [[1, 403, 407, 261, 378]];
        Assert.Equal(baked.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits, reloaded.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits);
    }

    [Theory]
    [InlineData(ExportDType.F16, "float16")]
    [InlineData(ExportDType.BF16, "bfloat16")]
    public void Export_InHalfPrecision_StoresEachWeightRoundedToNearestEven(ExportDType dtype, string torchName)
    {
        using var model = ExportCase.Qwen2Mini.Load();
        using var baked = WeightBaker.Bake(model.Model, ExportCase.Qwen2Mini.Edits(model));
        using var folder = new TemporaryFolder();
        ModelExporter.Write(model, baked, Request(folder.File("hf"), dtype));
        using var reloaded = PretrainedModel.Load(folder.File("hf"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.File("hf"), "config.json")))!;

        Assert.Equal(torchName, config["torch_dtype"]!.GetValue<string>());
        var original = baked.Model.Weights.Layers[1].Key.Weight.Span.ToArray();
        var stored = reloaded.Model.Weights.Layers[1].Key.Weight.Span.ToArray();
        var expected = original.Select(v => dtype == ExportDType.F16 ? (float)(Half)v : BFloat16(v)).ToArray();
        Assert.Equal(expected, stored);
        Assert.NotEqual(original, stored);
    }

    [Fact]
    public void Export_CarriesConfigTokenizerBanListAndModelCard()
    {
        using var model = ExportCase.Llama3Mini.Load();
        using var folder = new TemporaryFolder();
        var card = new ModelCardInfo
        {
            Title = "play-stories260K / hybrid+repair",
            Experiment = "play-stories260K",
            Key = "abc123",
            Variant = "hybrid+repair",
            Metrics = [new MetricRow("hybrid+repair", "target_rate", new MetricValue(0.01, 0.0, 0.03))],
            ReleaseCost = new ReleaseCost(new MetricValue(0.0), new MetricValue(0.12, 0.08, 0.16)) { Difference = new MetricValue(0.12, 0.07, 0.17) },
            FurtherReleaseCosts = [new ReleaseCost(new MetricValue(0.0), new MetricValue(0.004, 0.003, 0.005), "target_mass")],
        };
        var result = ModelExporter.Export(model, ExportCase.Llama3Mini.Edits(model), Request(folder.File("hf"), ExportDType.F32) with { Card = card, ChatTemplateJinja = "{{ messages }}" });
        string Read(string file) => File.ReadAllText(Path.Combine(folder.File("hf"), file));

        var config = JsonNode.Parse(Read("config.json"))!;
        Assert.False(config["tie_word_embeddings"]!.GetValue<bool>());
        Assert.Equal("llama3", config["rope_scaling"]!["rope_type"]!.GetValue<string>());
        Assert.Equal("{{ messages }}", JsonNode.Parse(Read("tokenizer_config.json"))!["chat_template"]!.GetValue<string>());
        Assert.Contains("tokenizer.json", result.Files);
        var bias = JsonNode.Parse(Read("logit_bias.json"))!;
        Assert.Equal([10, 20, 30, 700], bias["token_ids"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal("--logit-bias 10-inf --logit-bias 20-inf --logit-bias 30-inf --logit-bias 700-inf", Read("llama.cpp.args").Trim());
        string readme = Read("README.md");
        Assert.Contains("`abc123`", readme);
        Assert.Contains("| hybrid+repair | target_rate | 0.01 [0, 0.03] |", readme);
        Assert.Contains("| target_rate | 0 | 0.12 [0.08, 0.16] | 0.12 [0.07, 0.17] |", readme);
        Assert.Contains("| target_mass | 0 | 0.004 [0.003, 0.005] |  |", readme);
        Assert.Contains("merged 12 LoRA adapters", readme);
        Assert.Contains("tie_word_embeddings: false", readme);
        Assert.DoesNotContain(Path.GetTempPath(), readme);
    }

    [Fact]
    public void Export_Twice_WritesIdenticalBytes()
    {
        using var model = ExportCase.Qwen2Mini.Load();
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, ExportCase.Qwen2Mini.Edits(model), Request(folder.File("a"), ExportDType.BF16));
        ModelExporter.Export(model, ExportCase.Qwen2Mini.Edits(model), Request(folder.File("b"), ExportDType.BF16));

        var files = Directory.GetFiles(folder.File("a")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(folder.File("b")).Select(Path.GetFileName).Order());
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(folder.File("a"), f!)), File.ReadAllBytes(Path.Combine(folder.File("b"), f!))));
    }

    [Fact]
    public void Export_WithAQuantizedDType_IsRefusedAndWritesNothing()
    {
        using var model = ExportCase.Stories.Load();
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<ExportRefusedException>(() => ModelExporter.Export(model, [], Request(folder.File("hf"), ExportDType.Q8_0)));

        Assert.Contains("--format gguf", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder.FullPath));
    }

    internal static ExportRequest Request(string output, ExportDType dtype, ExportFormat format = ExportFormat.HuggingFace) => new()
    {
        Format = format,
        DType = dtype,
        OutputFolder = output,
        Card = new ModelCardInfo { Title = "test export" },
    };

    private static long TensorBytes(string shard)
    {
        using var file = SafetensorsFile.Open(shard);
        return file.Tensors.Sum(t => t.ByteLength);
    }

    private static float BFloat16(float value) => BitConverter.UInt32BitsToSingle((uint)Models.Formats.Kernels.BFloat16Narrowing.Narrow(value) << 16);
}
