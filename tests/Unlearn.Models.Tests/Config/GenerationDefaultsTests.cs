// GenerationDefaults validation: out-of-range sampling settings name their field; a folder without
// generation_config.json gives Empty (the file is optional in Hugging Face folders).
using Unlearn.Models.Config;

namespace Unlearn.Models.Tests.Config;

public sealed class GenerationDefaultsTests
{
    private const string Source = "models/x/generation_config.json";

    [Theory]
    [InlineData("{\"top_p\": 1.5}", "top_p")]
    [InlineData("{\"top_p\": 0}", "top_p")]
    [InlineData("{\"temperature\": -0.1}", "temperature")]
    [InlineData("{\"temperature\": \"hot\"}", "temperature")]
    [InlineData("{\"top_k\": -1}", "top_k")]
    [InlineData("{\"do_sample\": 1}", "do_sample")]
    [InlineData("{\"eos_token_id\": [2, \"x\"]}", "eos_token_id")]
    [InlineData("{\"repetition_penalty\": 0}", "repetition_penalty")]
    public void Parse_InvalidField_ThrowsNamingIt(string json, string field)
    {
        var error = Assert.Throws<ModelConfigException>(() => GenerationDefaults.Parse(json, Source));
        Assert.Equal(field, error.JsonPath);
        Assert.Equal(Source, error.Path);
    }

    [Fact]
    public void Parse_EmptyObject_SpecifiesNothing()
    {
        GenerationDefaults defaults = GenerationDefaults.Parse("{}", Source);
        Assert.Empty(defaults.EosTokenIds);
        Assert.Null(defaults.BosTokenId);
        Assert.Null(defaults.DoSample);
        Assert.Null(defaults.TopK);
    }

    [Fact]
    public void LoadFromFolder_WithoutFile_ReturnsEmpty()
    {
        Assert.Same(GenerationDefaults.Empty, GenerationDefaults.LoadFromFolder(AppContext.BaseDirectory));
    }

    [Fact]
    public void Parse_TopKZero_MeansDisabledAndIsAccepted()
    {
        Assert.Equal(0, GenerationDefaults.Parse("{\"top_k\": 0, \"do_sample\": false}", Source).TopK);
    }
}
