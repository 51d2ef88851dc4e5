// Engine parity with PyTorch: the three golden models (Llama 3 style with llama3 RoPE scaling and BF16 weights,
// Qwen2 with q/k/v bias and two shards, Llama 2 style in F16) must reproduce the reference logits at every
// position and every layer's residual within 1e-4 absolute, and the greedy continuation exactly, with every
// GEMM provider this machine has. References: Data/golden/<name>/golden.json and golden.safetensors.
using System.Text.Json;
using Unlearn.Models.Formats;
using Unlearn.Models.Generation;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Tests.Transformer;

public class GoldenModelTests
{
    /// <summary>(model, provider) rows of one GEMM provider; the OpenBLAS rows come through OpenBlasMemberData.</summary>
    public static IEnumerable<object[]> Cases(string provider) =>
        new[] { "llama3-mini", "qwen2-mini", "llama2-mini" }.Select(name => new object[] { name, provider });

    [Theory]
    [MemberData(nameof(Cases), "managed")]
    [OpenBlasMemberData(nameof(Cases), "openblas")]
    [MemberData(nameof(Cases), "torch")]
    public void Forward_GoldenModel_LogitsAndResidualsMatchPyTorch(string name, string provider)
    {
        using var model = ModelTestSupport.Load(TestData.GoldenModel(name), provider);
        using var golden = SafetensorsFile.Open(TestData.Path("golden", name, "golden.safetensors"));
        var ids = golden.GetTensor("input_ids");
        int batch = ids.Dimension(0);
        int tokens = ids.Dimension(1);
        var idValues = ids.Bytes.ToArray().Chunk(8).Select(b => (int)BitConverter.ToInt64(b)).ToArray();
        var sequences = Enumerable.Range(0, batch).Select(b => (IReadOnlyList<int>)idValues.Skip(b * tokens).Take(tokens).ToArray()).ToList();

        var recorder = new ResidualRecorder();
        var result = model.Runtime.Forward(ForwardBatch.RightPadded(sequences), options: new ForwardOptions { Hooks = [recorder] });

        ModelTestSupport.AssertClose(golden.GetTensor("logits").ToFloat32Array(), result.Logits, 1e-4f, $"{name}/{provider} logits");
        for (int layer = 0; layer < model.Runtime.Shape.LayerCount; layer++)
        {
            ModelTestSupport.AssertClose(golden.GetTensor($"residual.{layer}").ToFloat32Array(), recorder.Residuals[layer], 1e-4f, $"{name}/{provider} residual.{layer}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases), "managed")]
    [OpenBlasMemberData(nameof(Cases), "openblas")]
    [MemberData(nameof(Cases), "torch")]
    public void Generate_GoldenModelGreedy_ReproducesPyTorchContinuation(string name, string provider)
    {
        using var model = ModelTestSupport.Load(TestData.GoldenModel(name), provider);
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("golden", name, "golden.json")));
        var greedy = json.RootElement.GetProperty("greedy");
        var prompt = greedy.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int newTokens = greedy.GetProperty("new_tokens").GetInt32();
        var expected = greedy.GetProperty("expected_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        var result = new Generator(model.Runtime).Generate([prompt], new GenerationRequest
        {
            MaxNewTokens = newTokens,
            Sampling = new SamplingSettings { Temperature = 0 },
        })[0];

        Assert.Equal(expected, result.PromptIds.Concat(result.NewIds).ToArray());
    }

    private sealed class ResidualRecorder : IActivationHook
    {
        public Dictionary<int, float[]> Residuals { get; } = [];

        public bool Wants(HookSite site) => site.Kind == SiteKind.Residual;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context) =>
            Residuals[site.Layer] = activations.ToArray();
    }
}
