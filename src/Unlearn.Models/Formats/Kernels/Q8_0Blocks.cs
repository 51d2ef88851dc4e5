// Kernel: ggml's Q8_0 block quantization, bit for bit as ggml-quants.c quantize_row_q8_0_ref (and gguf-py's Q8_0,
// "bit-exact with the reference"): each block of 32 values stores d = max|x|/127 as binary16, then 32 int8
// q = roundf(x·(1/d)) (half away from zero), 1/d taken from the float32 d before it is rounded to binary16.
// Dequantization is x = q·d. 34 bytes per block, little-endian. Scalar only: it runs when writing or reading files.
// No allocation, no I/O.
using System.Buffers.Binary;

namespace Unlearn.Models.Formats.Kernels;

public static class Q8_0Blocks
{
    /// <summary>Values per block.</summary>
    public const int BlockSize = 32;

    /// <summary>Bytes per block: a binary16 scale and 32 int8 quants.</summary>
    public const int BlockBytes = 2 + BlockSize;

    /// <summary>Quantizes whole blocks.</summary>
    /// <param name="source">[blockCount · 32] float32.</param>
    /// <param name="destination">[blockCount · 34] bytes.</param>
    public static void Quantize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (source.Length % BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 quantizes blocks of {BlockSize} values; {source.Length} is not a multiple.", nameof(source));
        }
        int blocks = source.Length / BlockSize;
        if (destination.Length != blocks * BlockBytes)
        {
            throw new ArgumentException($"{blocks} blocks need {blocks * BlockBytes} bytes but the destination has {destination.Length}.", nameof(destination));
        }
        for (int b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * BlockSize, BlockSize);
            var block = destination.Slice(b * BlockBytes, BlockBytes);
            float amax = 0f;
            foreach (float v in x)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteUInt16LittleEndian(block, BitConverter.HalfToUInt16Bits((Half)d));
            for (int j = 0; j < BlockSize; j++)
            {
                block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
            }
        }
    }

    /// <summary>Dequantizes whole blocks.</summary>
    /// <param name="source">[blockCount · 34] bytes.</param>
    /// <param name="destination">[blockCount · 32] float32.</param>
    public static void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length % BlockBytes != 0 || destination.Length != source.Length / BlockBytes * BlockSize)
        {
            throw new ArgumentException($"{source.Length} bytes of Q8_0 blocks do not fill {destination.Length} values.", nameof(destination));
        }
        int blocks = source.Length / BlockBytes;
        for (int b = 0; b < blocks; b++)
        {
            var block = source.Slice(b * BlockBytes, BlockBytes);
            float d = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block));
            for (int j = 0; j < BlockSize; j++)
            {
                destination[b * BlockSize + j] = (sbyte)block[2 + j] * d;
            }
        }
    }
}
