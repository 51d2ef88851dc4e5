using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class GoldenModelGradientTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    public void FullTraining_EveryWeight_MatchesPyTorchLossAndGradients(string name)
    {
        var model = GoldenModel.Load(name);
        using var tape = new Tape(ReferenceGemm.Instance);
        var loss = model.Loss(tape);
        double relativeLossError = Math.Abs(loss.Value[0] - model.ExpectedLoss) / model.ExpectedLoss;
        log.WriteLine($"{name}: loss {loss.Value[0]:G9}, PyTorch {model.ExpectedLoss:G9}, relative error {relativeLossError:E2}");
        Assert.True(relativeLossError < 1e-6, $"loss {loss.Value[0]:G9} vs PyTorch {model.ExpectedLoss:G9}");

        tape.Backward(loss);
        int checkedCount = 0;
        foreach (var (key, golden) in model.Golden.Where(pair => pair.Key.StartsWith("grad.", StringComparison.Ordinal)))
        {
            var gradient = model.Parameters[key["grad.".Length..]].Gradient;
            double largest = golden.Values.Max(MathF.Abs);
            double difference = 0;
            for (int i = 0; i < gradient.Length; i++)
            {
                difference = Math.Max(difference, Math.Abs(gradient[i] - golden.Values[i]));
            }
            log.WriteLine($"  {key}: max abs diff {difference:E2} (largest |g| {largest:E2})");
            // 1e-4 of the tensor's largest entry: fp32 rounding differences between the two engines stay near 1e-5.
            Assert.True(difference <= 1e-4 * largest, $"{key}: max abs diff {difference:E3} against a largest entry of {largest:E3}");
            checkedCount++;
        }
        Assert.Equal(model.Parameters.Count, checkedCount);
    }
}
