// Q8_0 blocks as ggml-quants.c quantize_row_q8_0_ref writes them, checked on values worked out by hand: d = max|x|/127
// stored as binary16, q = roundf(x/d) with halves rounded away from zero (C's roundf), 34 bytes per block.
using System.Buffers.Binary;
using Unlearn.Models.Formats.Kernels;

namespace Unlearn.Models.Tests.Export;

public class Q8_0BlocksTests
{
    [Fact]
    public void Quantize_HalfwayValues_RoundAwayFromZero()
    {
        // max |x| = 127, so d = 1 exactly and every x/d is x: the halves show the rounding rule.
        var block = new float[32];
        float[] head = [127f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.4f, -126.6f];
        head.CopyTo(block, 0);
        var bytes = new byte[Q8_0Blocks.BlockBytes];

        Q8_0Blocks.Quantize(block, bytes);

        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)1f), BinaryPrimitives.ReadUInt16LittleEndian(bytes));
        Assert.Equal([127, 1, 2, 3, -1, -2, -3, 3, -127], bytes.Skip(2).Take(head.Length).Select(b => (int)(sbyte)b));
        Assert.All(bytes.Skip(2 + head.Length), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Quantize_AllZeroBlock_HasScaleZeroAndZeroQuants()
    {
        var bytes = new byte[Q8_0Blocks.BlockBytes];
        bytes.AsSpan().Fill(0xFF);

        Q8_0Blocks.Quantize(new float[32], bytes);

        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Dequantize_GivesQuantTimesTheBinary16Scale()
    {
        // d = 2.54/127 = 0.02, stored as binary16 0.0200042724609375; q for 2.54 is 127 and for -1.01 is -51 (-1.01/d is -50.5 in float32, rounded away from zero).
        var block = new float[32];
        block[0] = 2.54f;
        block[1] = -1.01f;
        var bytes = new byte[Q8_0Blocks.BlockBytes];
        var values = new float[32];

        Q8_0Blocks.Quantize(block, bytes);
        Q8_0Blocks.Dequantize(bytes, values);

        float d = (float)(Half)(2.54f / 127f);
        Assert.Equal(127 * d, values[0]);
        Assert.Equal(-51 * d, values[1]);
    }

    [Fact]
    public void Quantize_APartialBlock_IsRefused() =>
        Assert.Throws<ArgumentException>(() => Q8_0Blocks.Quantize(new float[40], new byte[68]));
}
