// Degeneration of a completion, measured on tokenizer ids (not whitespace words, so fused strings such as
// "studying-inginging" are caught — the SAE seed's whitespace version missed them, seeds-spec C-7):
//   distinct-n  = number of distinct n-grams / number of n-grams (len − n + 1); 1 when len < n (nothing repeats);
//   stutter     = some block of 1..MaxBlock tokens occurs at least MinRepeats times back to back
//                 (with the defaults: "a b a b a b" or "x x x");
//   degenerate  = distinct-2 < Distinct2Below ∨ distinct-3 < Distinct3Below ∨ stutter
//                 (thresholds 0.4 / 0.6 as in the SAE seed, applied to token n-grams).
namespace Unlearn.Evaluation.Metrics;

public sealed record DegenerationSettings
{
    /// <summary>Longest repeated block the stutter test looks for, in tokens.</summary>
    public int StutterMaxBlock { get; init; } = 8;

    /// <summary>How many back-to-back copies of a block make a stutter.</summary>
    public int StutterMinRepeats { get; init; } = 3;

    public double Distinct2Below { get; init; } = 0.4;

    public double Distinct3Below { get; init; } = 0.6;

    public void Validate()
    {
        if (StutterMaxBlock < 1 || StutterMinRepeats < 2)
        {
            throw new ArgumentException($"degeneration: stutter needs max block ≥ 1 and min repeats ≥ 2 (got {StutterMaxBlock}, {StutterMinRepeats}).");
        }
        if (!(Distinct2Below is >= 0 and <= 1) || !(Distinct3Below is >= 0 and <= 1))
        {
            throw new ArgumentException($"degeneration: distinct thresholds must lie in [0, 1] (got {Distinct2Below}, {Distinct3Below}).");
        }
    }
}

public readonly record struct DegenerationScore(double Distinct2, double Distinct3, bool Stutter, bool Degenerate);

public static class Degeneration
{
    public static DegenerationScore Score(ReadOnlySpan<int> tokens, DegenerationSettings settings)
    {
        double distinct2 = DistinctN(tokens, 2);
        double distinct3 = DistinctN(tokens, 3);
        bool stutter = HasStutter(tokens, settings.StutterMaxBlock, settings.StutterMinRepeats);
        bool degenerate = distinct2 < settings.Distinct2Below || distinct3 < settings.Distinct3Below || stutter;
        return new DegenerationScore(distinct2, distinct3, stutter, degenerate);
    }

    /// <summary>Distinct n-grams / all n-grams; 1 when the sequence is shorter than n.</summary>
    public static double DistinctN(ReadOnlySpan<int> tokens, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        int count = tokens.Length - n + 1;
        if (count <= 0)
        {
            return 1.0;
        }
        var seen = new HashSet<NGram>();
        for (int i = 0; i < count; i++)
        {
            seen.Add(new NGram(tokens.Slice(i, n)));
        }
        return (double)seen.Count / count;
    }

    /// <summary>True when a block of 1..<paramref name="maxBlock"/> tokens appears ≥ <paramref name="minRepeats"/> times in a row.</summary>
    public static bool HasStutter(ReadOnlySpan<int> tokens, int maxBlock, int minRepeats)
    {
        for (int block = 1; block <= maxBlock; block++)
        {
            // Walk the sequence comparing each token with the one a block earlier: a run of r·block − block
            // equal comparisons means r consecutive copies of the block.
            int needed = (minRepeats - 1) * block;
            int run = 0;
            for (int i = block; i < tokens.Length; i++)
            {
                run = tokens[i] == tokens[i - block] ? run + 1 : 0;
                if (run >= needed)
                {
                    return true;
                }
            }
        }
        return false;
    }

    // An n-gram as a hashable value (n ≤ 3 here, but any n works).
    private readonly struct NGram : IEquatable<NGram>
    {
        private readonly int[] _ids;
        private readonly int _hash;

        public NGram(ReadOnlySpan<int> ids)
        {
            _ids = ids.ToArray();
            var hash = new HashCode();
            foreach (int id in ids)
            {
                hash.Add(id);
            }
            _hash = hash.ToHashCode();
        }

        public bool Equals(NGram other) => _ids.AsSpan().SequenceEqual(other._ids);

        public override bool Equals(object? obj) => obj is NGram other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
