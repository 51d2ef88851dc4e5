// Exhaustive checks of the F16/BF16 → F32 widening kernels: every one of the 65,536 bit patterns, and
// every length 0..257 so each vector-remainder path runs. The F16 oracle is System.Half (an independent
// implementation); the BF16 oracle is the definition (the 16 bits become the high half of a float32).
using Unlearn.Models.Formats.Kernels;

namespace Unlearn.Models.Tests.Formats;

public sealed class WideningKernelTests
{
    private static ushort[] AllBitPatterns() => Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();

    public delegate void WidenKernel(ReadOnlySpan<ushort> source, Span<float> destination);

    /// <summary>Every implementation of each kernel: the dispatcher, both vector widths (run in software where the
    /// hardware lacks them) and the scalar reference.</summary>
    public static TheoryData<string> Paths() => ["dispatch", "vector512", "vector256", "scalar"];

    private static WidenKernel Float16Path(string path) => path switch
    {
        "dispatch" => Float16Widening.Widen,
        "vector512" => Float16Widening.WidenVector512,
        "vector256" => Float16Widening.WidenVector256,
        _ => Float16Widening.WidenScalar,
    };

    private static WidenKernel BFloat16Path(string path) => path switch
    {
        "dispatch" => BFloat16Widening.Widen,
        "vector512" => BFloat16Widening.WidenVector512,
        "vector256" => BFloat16Widening.WidenVector256,
        _ => BFloat16Widening.WidenScalar,
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float16Widen_AllBitPatterns_MatchSystemHalfBitForBit(string path)
    {
        ushort[] source = AllBitPatterns();
        var actual = new float[source.Length];
        Float16Path(path)(source, actual);
        AssertBitsEqual(source, actual, bits => (float)BitConverter.UInt16BitsToHalf(bits));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BFloat16Widen_AllBitPatterns_PutBitsInHighHalf(string path)
    {
        ushort[] source = AllBitPatterns();
        var actual = new float[source.Length];
        BFloat16Path(path)(source, actual);
        AssertBitsEqual(source, actual, bits => BitConverter.UInt32BitsToSingle((uint)bits << 16));
    }

    [Fact]
    public void Float16Widen_SubnormalsAndSpecials_HaveExactIeeeValues()
    {
        // Smallest subnormal 2^-24, largest subnormal (1023/1024)·2^-14, smallest normal 2^-14, max 65504, ±inf, a NaN.
        ushort[] source = [0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00, 0x7E01, 0x8001];
        var actual = new float[source.Length];
        Float16Widening.Widen(source, actual);
        Assert.Equal(MathF.Pow(2, -24), actual[0]);
        Assert.Equal(1023f / 1024f * MathF.Pow(2, -14), actual[1]);
        Assert.Equal(MathF.Pow(2, -14), actual[2]);
        Assert.Equal(65504f, actual[3]);
        Assert.Equal(float.PositiveInfinity, actual[4]);
        Assert.Equal(float.NegativeInfinity, actual[5]);
        Assert.True(float.IsNaN(actual[6]));
        Assert.Equal(-MathF.Pow(2, -24), actual[7]);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Widen_EveryLengthUpTo257AtOddOffsets_MatchesScalarReference(string path)
    {
        var random = new Random(20251122);
        var pool = new ushort[300];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = (ushort)random.Next(65536);
        }
        for (int length = 0; length <= 257; length++)
        {
            int offset = length % 3; // unaligned starts too
            ReadOnlySpan<ushort> source = pool.AsSpan(offset, length);
            var vectorF16 = new float[length];
            var scalarF16 = new float[length];
            var vectorBF16 = new float[length];
            var scalarBF16 = new float[length];
            Float16Path(path)(source, vectorF16);
            Float16Widening.WidenScalar(source, scalarF16);
            BFloat16Path(path)(source, vectorBF16);
            BFloat16Widening.WidenScalar(source, scalarBF16);
            Assert.True(BitsEqual(vectorF16, scalarF16), $"F16 {path} length {length} differs from the scalar reference");
            Assert.True(BitsEqual(vectorBF16, scalarBF16), $"BF16 {path} length {length} differs from the scalar reference");
        }
    }

    [Fact]
    public void Widen_MismatchedLengths_ThrowsArgumentException()
    {
        foreach (string path in new[] { "dispatch", "vector512", "vector256", "scalar" })
        {
            Assert.Throws<ArgumentException>(() => Float16Path(path)(new ushort[3], new float[4]));
            Assert.Throws<ArgumentException>(() => BFloat16Path(path)(new ushort[3], new float[2]));
        }
    }

    [Fact]
    public void BFloat16Narrow_HalfwayCases_RoundToEven()
    {
        // bf16 keeps 7 mantissa bits, so near 1.0 its spacing is 2^-7.
        float step = MathF.Pow(2, -7);
        Assert.Equal(1f, Widen(BFloat16Narrowing.Narrow(1f + step / 2)));                   // tie → even (1.0)
        Assert.Equal(1f + 2 * step, Widen(BFloat16Narrowing.Narrow(1f + 3 * step / 2)));    // tie → even (1 + 2·step)
        Assert.Equal(1f + step, Widen(BFloat16Narrowing.Narrow(1f + step / 2 + step / 8))); // above the tie → up
        Assert.True(float.IsNaN(Widen(BFloat16Narrowing.Narrow(float.NaN))));
        Assert.Equal(float.PositiveInfinity, Widen(BFloat16Narrowing.Narrow(float.MaxValue))); // rounds past the largest bf16
    }

    private static float Widen(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    private static bool BitsEqual(float[] left, float[] right) =>
        left.Select(BitConverter.SingleToUInt32Bits).SequenceEqual(right.Select(BitConverter.SingleToUInt32Bits));

    private static void AssertBitsEqual(ushort[] source, float[] actual, Func<ushort, float> oracle)
    {
        var mismatches = new List<string>();
        for (int i = 0; i < source.Length; i++)
        {
            uint expected = BitConverter.SingleToUInt32Bits(oracle(source[i]));
            uint got = BitConverter.SingleToUInt32Bits(actual[i]);
            if (expected != got && mismatches.Count < 10)
            {
                mismatches.Add($"0x{source[i]:X4}: expected 0x{expected:X8}, got 0x{got:X8}");
            }
        }
        Assert.True(mismatches.Count == 0, "bit mismatches: " + string.Join("; ", mismatches));
    }
}
