// Each unsupported or inconsistent config.json field gives a ModelConfigException naming the file and
// the JSON path, with the supported values; each default follows transformers. The configs are the
// real llama3-mini / qwen2-mini files with one field changed.
using System.Text.Json.Nodes;
using Unlearn.Models.Config;

namespace Unlearn.Models.Tests.Config;

public sealed class ModelConfigValidationTests
{
    private const string Source = "models/x/config.json";

    private static JsonObject Base(string model = "llama3-mini") =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.GoldenModel(model), "config.json")))!.AsObject();

    private static ModelConfig Parse(JsonObject json) => ModelConfig.Parse(json.ToJsonString(), Source);

    private static ModelConfigException Fails(JsonObject json, string jsonPath)
    {
        var error = Assert.Throws<ModelConfigException>(() => Parse(json));
        Assert.Equal(Source, error.Path);
        Assert.Equal(jsonPath, error.JsonPath);
        Assert.StartsWith($"Could not read '{Source}': {jsonPath}: ", error.Message);
        return error;
    }

    [Fact]
    public void Parse_YarnRopeScaling_ThrowsListingSupportedTypes()
    {
        JsonObject json = Base();
        json["rope_scaling"]!["rope_type"] = "yarn";
        var error = Fails(json, "rope_scaling.rope_type");
        Assert.EndsWith("rope_scaling.rope_type: 'yarn' is not supported (supported: llama3, default, or null).", error.Message);
    }

    [Fact]
    public void Parse_LegacyTypeKeyLinear_ThrowsNamingTypeField()
    {
        JsonObject json = Base();
        json["rope_scaling"] = new JsonObject { ["type"] = "linear", ["factor"] = 2.0 };
        Fails(json, "rope_scaling.type");
    }

    [Fact]
    public void Parse_LegacyTypeKeyLlama3_IsAccepted()
    {
        JsonObject json = Base();
        JsonObject scaling = json["rope_scaling"]!.AsObject();
        scaling.Remove("rope_type");
        scaling["type"] = "llama3";
        Assert.Equal(32.0, Parse(json).RopeScaling!.Factor);
    }

    [Fact]
    public void Parse_DefaultRopeType_MeansNoScaling()
    {
        JsonObject json = Base();
        json["rope_scaling"] = new JsonObject { ["rope_type"] = "default" };
        Assert.Null(Parse(json).RopeScaling);
    }

    [Fact]
    public void Parse_Llama3ScalingWithoutFactor_Throws()
    {
        JsonObject json = Base();
        json["rope_scaling"]!.AsObject().Remove("factor");
        Assert.Contains("required for llama3 scaling", Fails(json, "rope_scaling.factor").Message);
    }

    [Fact]
    public void Parse_HighFreqFactorNotAboveLow_Throws()
    {
        JsonObject json = Base();
        json["rope_scaling"]!["high_freq_factor"] = 1.0;
        Fails(json, "rope_scaling.high_freq_factor");
    }

    [Fact]
    public void Parse_UnsupportedArchitecture_ThrowsListingSupported()
    {
        JsonObject json = Base();
        json["architectures"] = new JsonArray("MistralForCausalLM");
        var error = Fails(json, "architectures[0]");
        Assert.Contains("'MistralForCausalLM' is not supported (supported: LlamaForCausalLM, Qwen2ForCausalLM)", error.Message);
    }

    [Fact]
    public void Parse_ModelTypeContradictingArchitecture_Throws()
    {
        JsonObject json = Base();
        json["model_type"] = "qwen2";
        Fails(json, "model_type");
    }

    [Fact]
    public void Parse_OnlyModelType_InfersArchitecture()
    {
        JsonObject json = Base("qwen2-mini");
        json.Remove("architectures");
        ModelConfig config = Parse(json);
        Assert.Equal(ModelArchitecture.Qwen2, config.Architecture);
        Assert.Equal("Qwen2ForCausalLM", config.ArchitectureName);
    }

    [Fact]
    public void Parse_NeitherArchitecturesNorModelType_Throws()
    {
        JsonObject json = Base();
        json.Remove("architectures");
        json.Remove("model_type");
        Fails(json, "architectures");
    }

    [Fact]
    public void Parse_GeluActivation_Throws()
    {
        JsonObject json = Base();
        json["hidden_act"] = "gelu";
        Assert.Contains("'gelu' is not supported (supported: silu)", Fails(json, "hidden_act").Message);
    }

    [Fact]
    public void Parse_MlpBiasTrue_Throws()
    {
        JsonObject json = Base();
        json["mlp_bias"] = true;
        Fails(json, "mlp_bias");
    }

    [Fact]
    public void Parse_QuantizationConfig_Throws()
    {
        JsonObject json = Base();
        json["quantization_config"] = new JsonObject { ["quant_method"] = "gptq" };
        Fails(json, "quantization_config");
    }

    [Fact]
    public void Parse_KvHeadsNotDividingHeads_Throws()
    {
        JsonObject json = Base();
        json["num_key_value_heads"] = 3;
        Assert.Contains("does not divide num_attention_heads (4)", Fails(json, "num_key_value_heads").Message);
    }

    [Fact]
    public void Parse_MissingKvHeads_DefaultsToHeadCount()
    {
        JsonObject json = Base();
        json.Remove("num_key_value_heads");
        Assert.Equal(4, Parse(json).KvHeadCount);
    }

    [Fact]
    public void Parse_MissingHeadDim_IsHiddenOverHeads()
    {
        JsonObject json = Base("llama2-mini");
        json.Remove("head_dim");
        Assert.Equal(48 / 6, Parse(json).HeadDim);
    }

    [Fact]
    public void Parse_MissingHeadDimAndIndivisibleHidden_Throws()
    {
        JsonObject json = Base();
        json.Remove("head_dim");
        json["hidden_size"] = 66;
        Fails(json, "hidden_size");
    }

    [Fact]
    public void Parse_MissingHiddenSize_ThrowsAsRequired()
    {
        JsonObject json = Base();
        json.Remove("hidden_size");
        Assert.Contains("required field is missing", Fails(json, "hidden_size").Message);
    }

    [Theory]
    [InlineData("\"64\"")]
    [InlineData("64.5")]
    [InlineData("-64")]
    public void Parse_HiddenSizeNotPositiveInteger_Throws(string value)
    {
        JsonObject json = Base();
        json["hidden_size"] = JsonNode.Parse(value);
        Fails(json, "hidden_size");
    }

    [Fact]
    public void Parse_Qwen2SlidingWindowSmallerThanContext_Throws()
    {
        JsonObject json = Base("qwen2-mini");
        json["use_sliding_window"] = true;
        json["sliding_window"] = 1024;
        Assert.Contains("only full attention is implemented", Fails(json, "use_sliding_window").Message);
    }

    [Fact]
    public void Parse_Qwen2SlidingWindowCoveringContext_IsAccepted()
    {
        JsonObject json = Base("qwen2-mini");
        json["use_sliding_window"] = true;
        json["sliding_window"] = 4096;
        Assert.Equal(4096, Parse(json).MaxPositionEmbeddings);
    }

    [Fact]
    public void Parse_LlamaAttentionBias_AddsBiasToAllFourProjections()
    {
        JsonObject json = Base();
        json["attention_bias"] = true;
        ModelConfig config = Parse(json);
        Assert.True(config.AttentionQkvBias);
        Assert.True(config.AttentionOutputBias);
    }

    [Fact]
    public void Parse_Qwen2_HasQkvBiasButNoOutputBias()
    {
        ModelConfig config = Parse(Base("qwen2-mini"));
        Assert.True(config.AttentionQkvBias);
        Assert.False(config.AttentionOutputBias);
    }

    [Fact]
    public void Parse_MissingTieAndRopeTheta_UseTransformersDefaults()
    {
        JsonObject json = Base("llama2-mini");
        json.Remove("tie_word_embeddings");
        json.Remove("rope_theta");
        json.Remove("rms_norm_eps");
        json.Remove("max_position_embeddings");
        ModelConfig config = Parse(json);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal(10000.0, config.RopeTheta);
        Assert.Equal(1e-6, config.RmsNormEpsilon);
        Assert.Equal(2048, config.MaxPositionEmbeddings);
    }

    [Fact]
    public void Parse_EosAsListAndNegativePad_GiveListAndNoPad()
    {
        JsonObject json = Base();
        json["eos_token_id"] = new JsonArray(2, 3);
        json["pad_token_id"] = -1;
        ModelConfig config = Parse(json);
        Assert.Equal([2, 3], config.EosTokenIds);
        Assert.Null(config.PadTokenId);
    }

    [Fact]
    public void Parse_TwoBosIds_Throws()
    {
        JsonObject json = Base();
        json["bos_token_id"] = new JsonArray(1, 2);
        Fails(json, "bos_token_id");
    }

    [Fact]
    public void Parse_EosIdOutsideVocabulary_Throws()
    {
        JsonObject json = Base();
        json["eos_token_id"] = 5000;
        Assert.Contains("outside the vocabulary (vocab_size 1024)", Fails(json, "eos_token_id").Message);
    }

    [Fact]
    public void Parse_RmsNormEpsZero_Throws()
    {
        JsonObject json = Base();
        json["rms_norm_eps"] = 0;
        Fails(json, "rms_norm_eps");
    }

    [Fact]
    public void Parse_DuplicateField_Throws()
    {
        string text = Base().ToJsonString().Replace("\"vocab_size\":1024", "\"vocab_size\":1024,\"vocab_size\":2048", StringComparison.Ordinal);
        var error = Assert.Throws<ModelConfigException>(() => ModelConfig.Parse(text, Source));
        Assert.Equal("vocab_size", error.JsonPath);
    }

    [Fact]
    public void Parse_InvalidJson_ThrowsWithLine()
    {
        var error = Assert.Throws<ModelConfigException>(() => ModelConfig.Parse("{\n  \"hidden_size\": 64,\n  oops\n}", Source));
        Assert.Null(error.JsonPath);
        Assert.Contains("not valid JSON (line 3", error.Message);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), "unlearn-no-such-folder", "config.json");
        var error = Assert.Throws<ModelConfigException>(() => ModelConfig.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("does not exist", error.Message);
    }
}
