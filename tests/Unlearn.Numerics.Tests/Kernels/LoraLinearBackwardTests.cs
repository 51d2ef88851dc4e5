using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class LoraLinearBackwardTests
{
    [Theory]
    [InlineData(1, 3, 2, 1, false, false)]
    [InlineData(5, 7, 6, 2, true, false)]
    [InlineData(4, 9, 5, 3, false, true)]
    [InlineData(6, 16, 12, 4, true, true)]
    public void ForwardAndBackward_WithMasks_MatchScalarReference(int rows, int inFeatures, int outFeatures, int rank, bool maskInput, bool maskOutput)
    {
        var u = KernelAssert.Random(rows * inFeatures, 91);
        var a = KernelAssert.Random(rank * inFeatures, 92);
        var b = KernelAssert.Random(outFeatures * rank, 93);
        var dy = KernelAssert.Random(rows * outFeatures, 94);
        float[] inputMask = maskInput ? Enumerable.Range(0, inFeatures).Select(i => i % 3 == 0 ? 0f : 1f).ToArray() : [];
        float[] outputMask = maskOutput ? Enumerable.Range(0, outFeatures).Select(o => o % 2 == 0 ? 1f : 0f).ToArray() : [];
        const float Scale = 1.5f;
        var maskedA = new float[a.Length];
        var maskedB = new float[b.Length];
        LoraLinear.MaskInputColumns(a, inputMask, rank, inFeatures, maskedA);
        LoraLinear.MaskOutputRows(b, outputMask, outFeatures, rank, maskedB);

        var expectedY = KernelAssert.Random(rows * outFeatures, 95);
        var actualY = (float[])expectedY.Clone();
        var hidden = new float[rows * rank];
        LoraLinear.ForwardReference(u, a, b, inputMask, outputMask, rows, inFeatures, outFeatures, rank, Scale, expectedY);
        LoraLinear.Forward(ReferenceGemm.Instance, u, maskedA, maskedB, rows, inFeatures, outFeatures, rank, Scale, hidden, actualY);
        KernelAssert.Close(expectedY, actualY, 1e-5f, 1e-6f, "y");

        var expectedDa = KernelAssert.Random(a.Length, 96);
        var expectedDb = KernelAssert.Random(b.Length, 97);
        var expectedDu = KernelAssert.Random(u.Length, 98);
        var actualDa = (float[])expectedDa.Clone();
        var actualDb = (float[])expectedDb.Clone();
        var actualDu = (float[])expectedDu.Clone();
        LoraLinear.BackwardReference(dy, u, a, b, inputMask, outputMask, rows, inFeatures, outFeatures, rank, Scale, expectedDa, expectedDb, expectedDu);
        var scratch = new float[LoraLinear.BackwardScratchLength(rows, inFeatures, outFeatures, rank)];
        LoraLinear.Backward(ReferenceGemm.Instance, dy, u, hidden, maskedA, maskedB, inputMask, outputMask,
            rows, inFeatures, outFeatures, rank, Scale, actualDa, actualDb, actualDu, scratch);
        KernelAssert.Close(expectedDa, actualDa, 1e-5f, 1e-6f, "dA");
        KernelAssert.Close(expectedDb, actualDb, 1e-5f, 1e-6f, "dB");
        KernelAssert.Close(expectedDu, actualDu, 1e-5f, 1e-6f, "du");
    }

    [Fact]
    public void Backward_MaskedInputNeuron_GetsNoGradientInA()
    {
        const int Rows = 3, In = 4, Out = 2, Rank = 2;
        float[] inputMask = [1f, 0f, 1f, 0f];
        var u = KernelAssert.Random(Rows * In, 99);
        var a = KernelAssert.Random(Rank * In, 100);
        var b = KernelAssert.Random(Out * Rank, 101);
        var maskedA = new float[a.Length];
        LoraLinear.MaskInputColumns(a, inputMask, Rank, In, maskedA);
        var hidden = new float[Rows * Rank];
        LoraLinear.Forward(ReferenceGemm.Instance, u, maskedA, b, Rows, In, Out, Rank, 1f, hidden, new float[Rows * Out]);
        var dA = new float[a.Length];
        LoraLinear.Backward(ReferenceGemm.Instance, KernelAssert.Random(Rows * Out, 102), u, hidden, maskedA, b, inputMask, [],
            Rows, In, Out, Rank, 1f, dA, new float[b.Length], default, new float[LoraLinear.BackwardScratchLength(Rows, In, Out, Rank)]);
        for (int r = 0; r < Rank; r++)
        {
            Assert.Equal(0f, dA[r * In + 1]);
            Assert.Equal(0f, dA[r * In + 3]);
            Assert.NotEqual(0f, dA[r * In]);
        }
    }
}
