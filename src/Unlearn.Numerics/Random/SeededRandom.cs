// The documented pseudo-random generator behind every sampled token and every dropout mask, so a seed gives
// the same result on every run and machine: xoshiro256** (Blackman & Vigna, 2018) whose 256-bit state is
// filled by four outputs of SplitMix64 started at the seed. Uniform doubles take the top 53 bits:
// (next >> 11) · 2⁻⁵³ ∈ [0, 1). Sequence i of a batch draws from its own stream seeded with Mix(seed, i), so
// batch composition never changes what a sequence samples.
namespace Unlearn.Numerics;

public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The stream of sequence <paramref name="index"/> under request seed <paramref name="seed"/>.</summary>
    public static SeededRandom ForSequence(ulong seed, int index)
    {
        ulong x = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(index + 1));
        return new SeededRandom(SplitMix64(ref x));
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, exclusiveMax) without modulo bias (Lemire's method).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exclusiveMax, 1);
        ulong bound = (ulong)exclusiveMax;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            ulong high = Math.BigMul(r, bound, out ulong low);
            if (low >= threshold)
            {
                return (int)high;
            }
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
