using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Tests.Autograd;

public class TapeTests
{
    [Fact]
    public void Gradient_OfIntermediateNotRetained_ThrowsAfterBackward()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(GradientCheck.Random(6, 1), 2, 3, "x", requiresGradient: true);
        var hidden = tape.SwiGlu(x, x, name: "hidden");
        tape.Backward(tape.MaskedCrossEntropy(hidden, [0, 2]));
        var error = Assert.Throws<InvalidOperationException>(() => hidden.Gradient.ToArray());
        Assert.Contains("RetainGradient", error.Message);
        Assert.Contains(x.Gradient.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Gradient_OfRetainedIntermediate_IsKeptAfterBackward()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(GradientCheck.Random(6, 2), 2, 3, "x", requiresGradient: true);
        var hidden = tape.SwiGlu(x, x);
        hidden.RetainGradient();
        tape.Backward(tape.MaskedCrossEntropy(hidden, [0, 2]));
        Assert.Contains(hidden.Gradient.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Value_AfterReset_ThrowsObjectDisposed()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(new float[4], 2, 2, "x");
        var y = tape.Add(x, x);
        tape.Reset();
        Assert.Throws<ObjectDisposedException>(() => y.Value.ToArray());
        Assert.Throws<ArgumentException>(() => tape.Add(y, y));
    }

    [Fact]
    public void Backward_CalledTwiceOnOneRecording_Throws()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(GradientCheck.Random(4, 3), 1, 4, "x", requiresGradient: true);
        var loss = tape.MaskedCrossEntropy(x, [1]);
        tape.Backward(loss);
        Assert.Throws<InvalidOperationException>(() => tape.Backward(loss));
    }

    [Fact]
    public void Observe_VariableAlreadyRead_Throws()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(new float[4], 2, 2, "x");
        var y = tape.Add(x, x);
        tape.Add(y, y);
        var error = Assert.Throws<InvalidOperationException>(() => tape.Observe(y, "layers.0.residual"));
        Assert.Contains("before using it", error.Message);
    }

    [Fact]
    public void Observe_SameSiteTwice_Throws()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(new float[4], 2, 2, "x");
        tape.Observe(tape.Add(x, x), "layers.0.residual");
        Assert.Throws<ArgumentException>(() => tape.Observe(tape.Add(x, x), "layers.0.residual"));
    }

    [Fact]
    public void Gradient_OfConstant_ThrowsNamingObserve()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var x = tape.Input(new float[4], 2, 2, "x");
        var error = Assert.Throws<InvalidOperationException>(() => x.Gradient.ToArray());
        Assert.Contains("Observe", error.Message);
    }

    [Fact]
    public void Input_FromAnotherTape_Throws()
    {
        using var first = new Tape(ReferenceGemm.Instance);
        using var second = new Tape(ReferenceGemm.Instance);
        var x = first.Input(new float[4], 2, 2, "x");
        Assert.Throws<ArgumentException>(() => second.Add(x, x));
    }

    [Fact]
    public void Input_ShapeNotMatchingValues_Throws()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        Assert.Throws<ArgumentException>(() => tape.Input(new float[5], 2, 2, "x"));
    }

    [Fact]
    public void Ops_InputsSpanningManyBlocks_GiveBitIdenticalResultsForOneAndFourThreads()
    {
        // 70 rows × 1001 features: several parallel blocks of rows and of elements, none aligned to a block boundary.
        const int Rows = 70, Width = 1001;
        var gate = GradientCheck.Random(Rows * Width, 11, 4f);
        var up = GradientCheck.Random(Rows * Width, 12, 2f);
        var norm = GradientCheck.RandomParameter("norm", 13, 1f, Width);
        var labels = Enumerable.Range(0, Rows).Select(r => (r * 37) % Width).ToArray();
        (float Loss, float[] Gate, float[] Norm) Run(int threads)
        {
            norm.ZeroGradient();
            using var tape = new Tape(ReferenceGemm.Instance, threads);
            var g = tape.Input(gate, Rows, Width, "gate", requiresGradient: true);
            var u = tape.Input(up, Rows, Width, "up", requiresGradient: true);
            var loss = tape.MaskedCrossEntropy(tape.RmsNorm(tape.SwiGlu(g, u), norm, 1e-5f), labels);
            tape.Backward(loss);
            return (loss.Value[0], g.Gradient.ToArray(), (float[])norm.Gradient.Clone());
        }
        var one = Run(1);
        var four = Run(4);
        Assert.Equal(one.Loss, four.Loss);
        Tests.Kernels.KernelAssert.Close(one.Gate, four.Gate, 0, 0, "gate gradient");
        Tests.Kernels.KernelAssert.Close(one.Norm, four.Norm, 0, 0, "norm weight gradient");
    }

    [Fact]
    public void Reset_AfterBatchesOfChangingShape_KeepsOnlyTheLastRecordingsBuffers()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var weight = GradientCheck.RandomParameter("w", 14, 1f, 8, 8);
        long Step(int rows)
        {
            var x = tape.Input(GradientCheck.Random(rows * 8, 15), rows, 8, "x");
            tape.Backward(tape.SwiGlu(tape.Linear(x, weight), tape.Linear(x, weight)), new float[rows * 8]);
            tape.Reset();
            return tape.PooledFloats;
        }
        long afterFive = Step(5);
        for (int rows = 6; rows < 40; rows++)
        {
            Step(rows);
        }
        long afterFiveAgain = Step(5);
        Assert.True(afterFive > 0, "the pool keeps a recording's buffers");
        Assert.Equal(afterFive, afterFiveAgain);
    }
}
