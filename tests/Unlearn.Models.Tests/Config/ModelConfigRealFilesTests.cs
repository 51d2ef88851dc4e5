// ModelConfig on real config.json files: the three golden models (checked against variants.json, the
// independent summary written by the golden generator), stories260K, and the published Llama-3.2-1B and
// Qwen2.5-0.5B-Instruct configs (values as their PROVENANCE.md and the public model cards state them).
using System.Text.Json;
using Unlearn.Models.Config;

using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Tests.Config;

public sealed class ModelConfigRealFilesTests
{
    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    [InlineData("llama2-mini")]
    public void LoadFromFolder_GoldenModel_MatchesVariantsSummary(string model)
    {
        ModelConfig config = ModelConfig.LoadFromFolder(TestData.GoldenModel(model));
        using JsonDocument variants = JsonDocument.Parse(File.ReadAllText(TestData.Path("golden", "variants.json")));
        JsonElement expected = variants.RootElement.GetProperty(model);

        Assert.Equal(expected.GetProperty("arch").GetString(), config.ArchitectureName);
        Assert.Equal(expected.GetProperty("model_type").GetString(), config.ModelType);
        Assert.Equal(expected.GetProperty("hidden_size").GetInt32(), config.ModelDim);
        Assert.Equal(expected.GetProperty("intermediate_size").GetInt32(), config.IntermediateDim);
        Assert.Equal(expected.GetProperty("num_hidden_layers").GetInt32(), config.LayerCount);
        Assert.Equal(expected.GetProperty("num_attention_heads").GetInt32(), config.HeadCount);
        Assert.Equal(expected.GetProperty("num_key_value_heads").GetInt32(), config.KvHeadCount);
        Assert.Equal(expected.GetProperty("head_dim").GetInt32(), config.HeadDim);
        Assert.Equal(expected.GetProperty("vocab_size").GetInt32(), config.VocabSize);
        Assert.Equal(expected.GetProperty("rms_norm_eps").GetDouble(), config.RmsNormEpsilon);
        Assert.Equal(expected.GetProperty("rope_theta").GetDouble(), config.RopeTheta);
        Assert.Equal(expected.GetProperty("tie_word_embeddings").GetBoolean(), config.TieWordEmbeddings);
        Assert.Equal(expected.GetProperty("bias").GetBoolean(), config.AttentionQkvBias);
        Assert.False(config.AttentionOutputBias);
        JsonElement scaling = expected.GetProperty("rope_scaling");
        if (scaling.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(config.RopeScaling);
        }
        else
        {
            Assert.Equal(
                new Llama3RopeScaling(
                    scaling.GetProperty("factor").GetDouble(),
                    scaling.GetProperty("low_freq_factor").GetDouble(),
                    scaling.GetProperty("high_freq_factor").GetDouble(),
                    scaling.GetProperty("original_max_position_embeddings").GetInt32()),
                config.RopeScaling);
        }
    }

    [Fact]
    public void LoadFromFolder_Stories260K_HasTheLlama2cModelShape()
    {
        // stories260K (karpathy/tinyllamas): dim 64, 5 layers, 8 heads, 4 kv heads, vocab 512, seq 512, tied; FFN 172.
        ModelConfig config = ModelConfig.LoadFromFolder(TestData.Path("stories260K"));
        Assert.Equal(ModelArchitecture.Llama, config.Architecture);
        Assert.Equal((64, 172, 5, 8, 4, 8, 512, 512), (config.ModelDim, config.IntermediateDim, config.LayerCount, config.HeadCount,
            config.KvHeadCount, config.HeadDim, config.VocabSize, config.MaxPositionEmbeddings));
        Assert.True(config.TieWordEmbeddings);
        Assert.Null(config.PadTokenId);
        Assert.Equal(1, config.BosTokenId);
        Assert.Equal([2], config.EosTokenIds);
        Assert.Equal(2, config.GroupSize);
    }

    [Fact]
    public void Load_Llama32OneB_IsLlamaWithLlama3RopeScalingAndTiedEmbeddings()
    {
        ModelConfig config = ModelConfig.Load(TestData.Path("configs", "llama3.2-1b", "config.json"));
        Assert.Equal(ModelArchitecture.Llama, config.Architecture);
        Assert.Equal((2048, 8192, 16, 32, 8, 64, 128256), (config.ModelDim, config.IntermediateDim, config.LayerCount,
            config.HeadCount, config.KvHeadCount, config.HeadDim, config.VocabSize));
        Assert.Equal(500000.0, config.RopeTheta);
        Assert.Equal(new Llama3RopeScaling(32.0, 1.0, 4.0, 8192), config.RopeScaling);
        Assert.True(config.TieWordEmbeddings);
        Assert.False(config.AttentionQkvBias);
        Assert.Equal(128000, config.BosTokenId);
        Assert.Equal([128001], config.EosTokenIds);
        Assert.Equal(131072, config.MaxPositionEmbeddings);
        Assert.Equal(1e-5, config.RmsNormEpsilon);
        Assert.Equal("float32", config.TorchDType);
    }

    [Fact]
    public void Load_Qwen25HalfB_IsQwen2WithQkvBiasAndNoSlidingWindow()
    {
        ModelConfig config = ModelConfig.Load(TestData.Path("configs", "qwen2.5-0.5b-instruct", "config.json"));
        Assert.Equal(ModelArchitecture.Qwen2, config.Architecture);
        Assert.Equal((896, 4864, 24, 14, 2, 64, 151936), (config.ModelDim, config.IntermediateDim, config.LayerCount,
            config.HeadCount, config.KvHeadCount, config.HeadDim, config.VocabSize));
        Assert.True(config.AttentionQkvBias);
        Assert.False(config.AttentionOutputBias);
        Assert.True(config.TieWordEmbeddings);
        Assert.Null(config.RopeScaling);
        Assert.Equal(1000000.0, config.RopeTheta);
        Assert.Equal(1e-6, config.RmsNormEpsilon);
        Assert.Equal([151645], config.EosTokenIds);
        Assert.Equal(7, config.GroupSize);
    }

    [Fact]
    public void LoadGeneration_Llama32OneB_SamplesWithTemperatureAndTopP()
    {
        GenerationDefaults defaults = GenerationDefaults.LoadFromFolder(TestData.Path("configs", "llama3.2-1b"));
        Assert.Equal(128000, defaults.BosTokenId);
        Assert.Equal([128001], defaults.EosTokenIds);
        Assert.True(defaults.DoSample);
        Assert.Equal(0.6, defaults.Temperature);
        Assert.Equal(0.9, defaults.TopP);
        Assert.Null(defaults.TopK);
        Assert.Null(defaults.PadTokenId);
    }

    [Fact]
    public void LoadGeneration_Qwen25_HasTwoEosIdsPadAndPenalties()
    {
        GenerationDefaults defaults = GenerationDefaults.LoadFromFolder(TestData.Path("configs", "qwen2.5-0.5b-instruct"));
        Assert.Equal([151645, 151643], defaults.EosTokenIds);
        Assert.Equal(151643, defaults.PadTokenId);
        Assert.Equal(151643, defaults.BosTokenId);
        Assert.Equal((true, 0.7, 0.8, 20, 1.1), (defaults.DoSample!.Value, defaults.Temperature!.Value, defaults.TopP!.Value, defaults.TopK!.Value, defaults.RepetitionPenalty!.Value));
    }

    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    [InlineData("llama2-mini")]
    public void LoadGeneration_GoldenModel_HasBosOneEosTwoAndNoSampling(string model)
    {
        GenerationDefaults defaults = GenerationDefaults.LoadFromFolder(TestData.GoldenModel(model));
        Assert.Equal(1, defaults.BosTokenId);
        Assert.Equal([2], defaults.EosTokenIds);
        Assert.Null(defaults.DoSample);
        Assert.Null(defaults.Temperature);
    }

    [Fact]
    public void LoadGeneration_Stories260K_ReadsMaxLength()
    {
        GenerationDefaults defaults = GenerationDefaults.LoadFromFolder(TestData.Path("stories260K"));
        Assert.Equal(512, defaults.MaxLength);
        Assert.Equal([2], defaults.EosTokenIds);
    }
}
