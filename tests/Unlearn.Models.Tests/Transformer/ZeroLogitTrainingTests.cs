// Training under zeroed logits (vocab.logit_mask: zero, the seed's zeroed lm_head rows): the logits of the zeroed ids
// are the constant 0, so the training loss is the cross-entropy of the inference forward's logits under the same edits
// (a different code path), no label is dropped (a logit of 0 can still be predicted), and no gradient reaches the
// zeroed head rows. A central finite difference checks the gradient that does flow, through the final norm.
using Unlearn.Models.Edits;
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Tests.Transformer;

public class ZeroLogitTrainingTests
{
    private static readonly int[] ZeroedIds = [3, 17, 40, 41];

    [Theory]
    [InlineData("qwen2-mini", WeightNames.LmHead)]
    [InlineData("llama3-mini", WeightNames.Embedding)]
    public void TrainingForward_WithZeroedLogits_LossIsCrossEntropyOfInferenceLogits(string name, string zeroedWeight)
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel(name));
        using var golden = SafetensorsFile.Open(TestData.Path("golden", name, "golden.safetensors"));
        var (batch, labels) = GoldenGradientTests.GoldenBatch(golden);
        var edits = new ModelEdits(new Dictionary<string, int[]> { [zeroedWeight] = ZeroedIds }, [], []);

        var logits = model.Model.Forward(batch, options: new ForwardOptions { Edits = edits }).Logits;
        double expected = MeanCrossEntropy(logits, labels, model.Model.Shape.VocabSize, out int count);
        using var tape = new Tape(model.Model.Gemm);
        var pass = model.Model.TrainingForward(tape, batch, labels, new TrainingOptions { Edits = edits });

        Assert.Equal(count, pass.CountedTokens);
        Assert.Equal(0, pass.MaskedLabels);
        Assert.True(Math.Abs(pass.Loss.Value[0] - expected) <= 1e-5 * expected, $"{name}: training loss {pass.Loss.Value[0]:R}, inference cross-entropy {expected:R}");
    }

    [Fact]
    public void TrainingForward_WithZeroedLogits_GivesZeroedHeadRowsNoGradientAndTheOthersTheirShare()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("qwen2-mini"));
        using var golden = SafetensorsFile.Open(TestData.Path("golden", "qwen2-mini", "golden.safetensors"));
        var (batch, labels) = GoldenGradientTests.GoldenBatch(golden);
        var edits = new ModelEdits(new Dictionary<string, int[]> { [WeightNames.LmHead] = ZeroedIds }, [], []);
        var head = model.Model.Weights.LmHead!;
        var parameter = new Parameter(WeightNames.LmHead, head.Span.ToArray(), [head.Rows, head.Columns]);

        using var tape = new Tape(model.Model.Gemm);
        var pass = model.Model.TrainingForward(tape, batch, labels, new TrainingOptions
        {
            Edits = edits,
            WeightParameters = new Dictionary<string, Parameter> { [WeightNames.LmHead] = parameter },
        });
        tape.Backward(pass.Loss);

        for (int id = 0; id < head.Rows; id++)
        {
            double norm = 0;
            for (int c = 0; c < head.Columns; c++)
            {
                norm += Math.Abs(parameter.Gradient[id * head.Columns + c]);
            }
            if (ZeroedIds.Contains(id))
            {
                Assert.True(norm == 0, $"zeroed head row {id} received gradient (L1 norm {norm:E3})");
            }
            else
            {
                Assert.True(norm > 0, $"head row {id} received no gradient");
            }
        }
    }

    [Fact]
    public void TrainingForward_WithZeroedLogits_FinalNormGradientMatchesCentralDifference()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("qwen2-mini"));
        using var golden = SafetensorsFile.Open(TestData.Path("golden", "qwen2-mini", "golden.safetensors"));
        var (batch, labels) = GoldenGradientTests.GoldenBatch(golden);
        var edits = new ModelEdits(new Dictionary<string, int[]> { [WeightNames.LmHead] = ZeroedIds }, [], []);
        var norm = model.Model.Weights.FinalNorm.ToArray();

        double Loss(float[] values, out float[] gradient)
        {
            var parameter = new Parameter(WeightNames.FinalNorm, values, [values.Length]);
            using var tape = new Tape(model.Model.Gemm);
            var pass = model.Model.TrainingForward(tape, batch, labels, new TrainingOptions
            {
                Edits = edits,
                WeightParameters = new Dictionary<string, Parameter> { [WeightNames.FinalNorm] = parameter },
            });
            tape.Backward(pass.Loss);
            gradient = parameter.Gradient.ToArray();
            return pass.Loss.Value[0];
        }

        Loss((float[])norm.Clone(), out var analytic);
        const float Step = 1e-2f;
        foreach (int j in new[] { 0, 5, norm.Length - 1 })
        {
            var plus = (float[])norm.Clone();
            var minus = (float[])norm.Clone();
            plus[j] += Step;
            minus[j] -= Step;
            double numeric = (Loss(plus, out _) - Loss(minus, out _)) / (plus[j] - minus[j]);
            Assert.True(Math.Abs(numeric - analytic[j]) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"final norm [{j}]: analytic {analytic[j]:E4}, central difference {numeric:E4}");
        }
    }

    private static double MeanCrossEntropy(float[] logits, int[] labels, int vocab, out int count)
    {
        double sum = 0;
        count = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            if (labels[row] < 0)
            {
                continue;
            }
            var r = logits.AsSpan(row * vocab, vocab).ToArray();
            double max = r.Max();
            double logSum = max + Math.Log(r.Sum(v => Math.Exp(v - max)));
            sum += logSum - r[labels[row]];
            count++;
        }
        return sum / count;
    }
}
