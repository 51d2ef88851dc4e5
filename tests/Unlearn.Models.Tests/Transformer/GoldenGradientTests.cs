// Training parity with PyTorch: the response-only loss of golden.json and the gradient of every weight
// (grad.<name> in golden.safetensors) for the three golden models, on every backend (IModelRuntime.TrainingStep: the
// managed tape with each GEMM provider here, and LibTorch's autograd). The loss is
// the mean cross-entropy of logits[:, t] against input_ids[:, t + 1] over t ≥ 4, both sequences.
using System.Text.Json;
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Tests.Transformer;

public class GoldenGradientTests
{
    private const int FirstCountedPosition = 4;

    [Theory]
    [MemberData(nameof(GoldenModelTests.Cases), "managed", MemberType = typeof(GoldenModelTests))]
    [OpenBlasMemberData(nameof(GoldenModelTests.Cases), "openblas", MemberType = typeof(GoldenModelTests))]
    [MemberData(nameof(GoldenModelTests.Cases), "torch", MemberType = typeof(GoldenModelTests))]
    public void TrainingStep_GoldenModel_LossAndEveryWeightGradientMatchPyTorch(string name, string provider)
    {
        using var managed = PretrainedModel.Load(TestData.GoldenModel(name), new ModelLoadOptions { Gemm = ManagedGemm.Instance, LoadTokenizer = false });
        using var model = ModelTestSupport.Load(TestData.GoldenModel(name), provider, loadTokenizer: false);
        using var golden = SafetensorsFile.Open(TestData.Path("golden", name, "golden.safetensors"));
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("golden", name, "golden.json")));
        double expectedLoss = json.RootElement.GetProperty("loss").GetProperty("value").GetDouble();
        var (batch, labels) = GoldenBatch(golden);
        var parameters = AllWeightsAsParameters(managed.Model, golden);

        float loss = model.Runtime.TrainingStep(batch, labels, new TrainingOptions { WeightParameters = parameters }).Loss;

        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Abs(expectedLoss), $"{name}/{provider}: loss {loss}, PyTorch {expectedLoss}");
        var gradientNames = golden.TensorNames.Where(n => n.StartsWith("grad.", StringComparison.Ordinal)).ToList();
        Assert.Equal(gradientNames.Count, parameters.Count);
        Assert.All(parameters.Values, p => Assert.Contains(p.Gradient, g => g != 0f));
        foreach (var gradientName in gradientNames)
        {
            var expected = golden.GetTensor(gradientName).ToFloat32Array();
            var actual = parameters[gradientName["grad.".Length..]].Gradient;
            double differenceNorm = 0, referenceNorm = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                differenceNorm += Math.Pow(expected[i] - actual[i], 2);
                referenceNorm += Math.Pow(expected[i], 2);
            }
            differenceNorm = Math.Sqrt(differenceNorm);
            referenceNorm = Math.Sqrt(referenceNorm);
            Assert.True(differenceNorm <= 1e-4 * referenceNorm,
                $"{name}/{provider} {gradientName}: ‖ours − PyTorch‖ = {differenceNorm:E3}, ‖PyTorch‖ = {referenceNorm:E3} (relative {differenceNorm / referenceNorm:E2})");
        }
    }

    [Fact]
    public void TrainingForward_WithoutAdaptersOrParameters_MatchesInferenceLogitsLoss()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("qwen2-mini"));
        using var golden = SafetensorsFile.Open(TestData.Path("golden", "qwen2-mini", "golden.safetensors"));
        var (batch, labels) = GoldenBatch(golden);
        var logits = model.Model.Forward(batch).Logits;
        int vocab = model.Model.Shape.VocabSize;
        double sum = 0;
        int count = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            if (labels[row] < 0)
            {
                continue;
            }
            var r = logits.AsSpan(row * vocab, vocab);
            double max = r.ToArray().Max();
            double logSum = max + Math.Log(r.ToArray().Sum(v => Math.Exp(v - max)));
            sum += logSum - r[labels[row]];
            count++;
        }
        using var tape = new Tape(model.Model.Gemm);
        var pass = model.Model.TrainingForward(tape, batch, labels);
        Assert.Equal(count, pass.CountedTokens);
        Assert.Equal(sum / count, pass.Loss.Value[0], 4);
    }

    internal static (ForwardBatch Batch, int[] Labels) GoldenBatch(SafetensorsFile golden)
    {
        var ids = golden.GetTensor("input_ids");
        int batchSize = ids.Dimension(0);
        int tokens = ids.Dimension(1);
        var values = ids.Bytes.ToArray().Chunk(8).Select(b => (int)BitConverter.ToInt64(b)).ToArray();
        var sequences = Enumerable.Range(0, batchSize).Select(b => (IReadOnlyList<int>)values[(b * tokens)..((b + 1) * tokens)]).ToList();
        var labels = new int[batchSize * tokens];
        for (int b = 0; b < batchSize; b++)
        {
            for (int t = 0; t < tokens; t++)
            {
                labels[b * tokens + t] = t >= FirstCountedPosition && t + 1 < tokens ? values[b * tokens + t + 1] : -100;
            }
        }
        return (ForwardBatch.RightPadded(sequences), labels);
    }

    // Every weight the golden file has a gradient for becomes a Parameter holding a copy of the loaded value.
    private static Dictionary<string, Parameter> AllWeightsAsParameters(LlamaModel model, SafetensorsFile golden)
    {
        var parameters = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var name in model.WeightNameSet())
        {
            var reference = golden.GetTensor("grad." + name);
            var shape = reference.Shape.Select(d => (int)d).ToArray();
            var value = new float[reference.ElementCount];
            WeightValues(model, name).CopyTo(value);
            parameters[name] = new Parameter(name, value, shape);
        }
        return parameters;
    }

    private static ReadOnlySpan<float> WeightValues(LlamaModel model, string name)
    {
        var w = model.Weights;
        if (name == WeightNames.Embedding)
        {
            return w.Embedding.Span;
        }
        if (name == WeightNames.LmHead)
        {
            return w.LmHead!.Span;
        }
        if (name == WeightNames.FinalNorm)
        {
            return w.FinalNorm;
        }
        for (int i = 0; i < model.Shape.LayerCount; i++)
        {
            if (name == WeightNames.InputNorm(i))
            {
                return w.Layers[i].InputNorm;
            }
            if (name == WeightNames.PostAttentionNorm(i))
            {
                return w.Layers[i].PostAttentionNorm;
            }
            foreach (var projection in WeightNames.All)
            {
                if (name == WeightNames.Weight(i, projection))
                {
                    return w.Layers[i][projection].Weight.Span;
                }
                if (name == WeightNames.Bias(i, projection))
                {
                    return w.Layers[i][projection].Bias;
                }
            }
        }
        throw new ArgumentException($"No weight named {name}");
    }
}
