// Seeds derived from names, stable across processes and machines (string.GetHashCode is randomised per process,
// so it cannot seed anything that must reproduce). FNV-1a over UTF-8, then SplitMix64 to mix it with a seed.
using System.Text;

namespace Unlearn.Evaluation.Statistics;

public static class StableHash
{
    /// <summary>64-bit FNV-1a of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong Of(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }

    /// <summary>Combines a seed with a value: one SplitMix64 step of <c>seed ^ value·φ</c> (φ = 0x9E3779B97F4A7C15).</summary>
    public static ulong Mix(ulong seed, ulong value)
    {
        ulong z = seed ^ (value * 0x9E3779B97F4A7C15UL);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for the stream called <paramref name="name"/> under <paramref name="seed"/>.</summary>
    public static ulong Mix(ulong seed, string name) => Mix(seed, Of(name));
}
