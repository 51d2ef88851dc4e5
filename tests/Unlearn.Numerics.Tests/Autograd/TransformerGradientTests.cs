using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Tests.Kernels;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class TransformerGradientTests(ITestOutputHelper log)
{
    [Fact]
    public void TinyTransformer_EveryWeightTrainable_MatchesFiniteDifferences()
    {
        var model = new TinyTransformer(seed: 100);
        GradientCheck.Verify((tape, _) => model.Loss(tape, trainable: true), model.All.Select(Checked.Of).ToList(), log, maxElementsPerTensor: 24);
    }

    [Fact]
    public void TinyTransformer_MaskedLoraOnFrozenBase_MatchesFiniteDifferences()
    {
        var model = new TinyTransformer(seed: 200);
        var (query, down) = Adapters(dropout: 0.25f);
        GradientCheck.Verify(
            (tape, _) => model.Loss(tape, trainable: false, queryLora: query, downLora: down, dropoutSeed: 9, outputPrunedRows: [3]),
            [Checked.Of(query.A), Checked.Of(query.B), Checked.Of(down.A), Checked.Of(down.B)], log);
    }

    [Fact]
    public void Observe_FrozenModel_GivesTheGradientOfTheActivationAsAnInput()
    {
        var model = new TinyTransformer(seed: 300);
        var capture = new Dictionary<string, float[]>();
        using var tape = new Tape(ReferenceGemm.Instance);
        var loss = model.Loss(tape, trainable: false, observeActivation: true, capture: capture);
        tape.Backward(loss);
        var observed = tape.Site(TinyTransformer.ActivationSite).Gradient.ToArray();
        tape.Reset();

        const int Rows = TinyTransformer.Batch * TinyTransformer.Columns;
        var residual = tape.Input(capture["residual"], Rows, TinyTransformer.Hidden, "residual");
        var act = tape.Input(capture["act"], Rows, TinyTransformer.Intermediate, "act", requiresGradient: true);
        tape.Backward(model.LossFromActivation(tape, residual, act));
        KernelAssert.Close(act.Gradient, observed, 1e-6f, 1e-8f, "d loss / d mlp.act");
        Assert.Contains(observed, g => g != 0f);

        // …and that gradient is right.
        GradientCheck.Verify(
            (t, inputs) => model.LossFromActivation(t, t.Input(capture["residual"], Rows, TinyTransformer.Hidden, "residual"),
                inputs["act"] = t.Input(capture["act"], Rows, TinyTransformer.Intermediate, "act", requiresGradient: true)),
            [new Checked("act", capture["act"])], log, maxElementsPerTensor: 120);
    }

    [Fact]
    public void Backward_SameStepTwice_GivesBitIdenticalGradientsWhateverTheThreadCount()
    {
        var model = new TinyTransformer(seed: 400);
        var (query, down) = Adapters(dropout: 0.1f);
        float[] Run(Tape tape)
        {
            foreach (var p in (Parameter[])[.. model.All, query.A, query.B, down.A, down.B])
            {
                p.ZeroGradient();
            }
            tape.Backward(model.Loss(tape, trainable: true, queryLora: query, downLora: down, dropoutSeed: 5));
            tape.Reset();
            return [.. model.All.SelectMany(p => p.Gradient), .. query.A.Gradient, .. down.B.Gradient];
        }
        using var parallel = new Tape(ReferenceGemm.Instance);
        using var serial = new Tape(ReferenceGemm.Instance, maxDegreeOfParallelism: 1);
        var first = Run(parallel);
        var second = Run(parallel);     // pooled buffers from the first step are reused
        var third = Run(serial);
        KernelAssert.Close(first, second, 0, 0, "same tape, second step");
        KernelAssert.Close(first, third, 0, 0, "one thread");
    }

    private static (LoraAdapter Query, LoraAdapter Down) Adapters(float dropout)
    {
        const int Rank = 2;
        var mask = Enumerable.Range(0, TinyTransformer.Intermediate).Select(i => i % 3 == 1 ? 1f : 0f).ToArray();
        // B random instead of zero so the adapters change the loss and every path has a gradient.
        var query = new LoraAdapter(
            GradientCheck.RandomParameter("q_proj.lora_A.weight", 1, 0.5f, Rank, TinyTransformer.Hidden),
            GradientCheck.RandomParameter("q_proj.lora_B.weight", 2, 0.5f, TinyTransformer.Heads * TinyTransformer.HeadDim, Rank),
            alpha: 4, dropoutProbability: dropout);
        var down = new LoraAdapter(
            GradientCheck.RandomParameter("down_proj.lora_A.weight", 3, 0.5f, Rank, TinyTransformer.Intermediate),
            GradientCheck.RandomParameter("down_proj.lora_B.weight", 4, 0.5f, TinyTransformer.Hidden, Rank),
            alpha: 2, inputMask: mask);
        return (query, down);
    }
}
