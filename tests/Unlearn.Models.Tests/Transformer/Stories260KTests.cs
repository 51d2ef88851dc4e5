// The bundled default model against llama2.c's published greedy outputs (Data/stories260K-expected): the same
// ids and the same text as run.c, which starts at BOS, stops when the model emits BOS, and counts `steps` as
// positions including the prompt.
using System.Text.Json;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Tests.Transformer;

public class Stories260KTests
{
    /// <summary>(case, provider) rows of one GEMM provider; the OpenBLAS rows come through OpenBlasMemberData.</summary>
    public static IEnumerable<object[]> Cases(string provider)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("stories260K-expected", "expected.json")));
        foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            yield return [c.GetProperty("name").GetString()!, provider];
        }
    }

    [Theory]
    [MemberData(nameof(Cases), "managed")]
    [OpenBlasMemberData(nameof(Cases), "openblas")]
    [MemberData(nameof(Cases), "torch")]
    public void Generate_RunCCase_GivesTheExpectedIdsAndText(string caseName, string provider)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("stories260K-expected", "expected.json")));
        var c = json.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == caseName);
        string prompt = c.GetProperty("prompt").GetString()!;
        int steps = c.GetProperty("steps").GetInt32();
        var expectedIds = c.GetProperty("expected_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        string expectedText = c.GetProperty("expected_text").GetString()!;
        using var model = ModelTestSupport.Load(TestData.Path("stories260K"), provider);
        var tokenizer = model.RequireTokenizer();

        var promptIds = tokenizer.Encode(prompt).ToArray();
        Assert.Equal(c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()), promptIds);
        var result = new Generator(model.Runtime).Generate([promptIds], new GenerationRequest
        {
            MaxNewTokens = steps - promptIds.Length + 1,
            Sampling = new SamplingSettings { Temperature = 0 },
            StopIds = model.StopIds,
        })[0];

        var ids = result.PromptIds.Concat(result.NewIds).ToArray();
        Assert.Equal(expectedIds, ids);
        Assert.Equal(expectedText, tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("torch")]
    public void Forward_BosAtPositionZero_MatchesReferenceLogits(string backend)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("stories260K-expected", "expected.json")));
        var expected = json.RootElement.GetProperty("bos_position0_logits").GetProperty("all").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        using var model = ModelTestSupport.Load(TestData.Path("stories260K"), backend);
        var result = model.Runtime.Forward(ForwardBatch.RightPadded([[1]]));
        ModelTestSupport.AssertClose(expected, result.Logits, 1e-4f, "stories260K logits after BOS");
    }

    [Fact]
    public void StopIds_Stories260K_IncludeBosAndEos()
    {
        using var model = PretrainedModel.Load(TestData.Path("stories260K"));
        Assert.Equal([1, 2], model.StopIds);
    }
}
