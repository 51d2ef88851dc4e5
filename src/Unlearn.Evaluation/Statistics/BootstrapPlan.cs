// Percentile bootstrap over a prompts × seeds design (Efron's percentile interval).
//
// Exactly: the observations form a grid of cells (prompt p, seed s), each cell holding the mean of that prompt's
// samples under that seed. One replicate draws P prompts with replacement and then, for each drawn prompt,
// S seeds with replacement (the seeds are re-drawn inside every drawn prompt); its statistic is computed over
// the P·S drawn cells (for a mean: the plain mean of the drawn cells). The interval is the (α/2, 1 − α/2)
// percentile pair of the B replicate statistics (type-7 interpolation, Percentile.cs). A design without seeds
// (probe pairs, documents, questions) is the same with S = 1: a plain resampling of items.
//
// A plan is a fixed list of draws made from a seeded stream, so it is reproducible, and the same plan applied
// to every variant pairs them: shifts and ratios against the reference variant use identical draws.
using Unlearn.Numerics;

namespace Unlearn.Evaluation.Statistics;

public readonly record struct Interval(double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;
}

public sealed class BootstrapPlan
{
    private readonly int[] _draws;

    private BootstrapPlan(int promptCount, int seedCount, int replicates, int[] draws)
    {
        PromptCount = promptCount;
        SeedCount = seedCount;
        Replicates = replicates;
        _draws = draws;
    }

    public int PromptCount { get; }

    public int SeedCount { get; }

    public int Replicates { get; }

    /// <summary>Cells per design (and per replicate): prompts × seeds.</summary>
    public int CellCount => PromptCount * SeedCount;

    /// <summary>Draws <paramref name="replicates"/> replicates of a prompts × seeds design from <paramref name="seed"/>.</summary>
    public static BootstrapPlan Create(int promptCount, int seedCount, int replicates, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(promptCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(seedCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 1);
        int cells = promptCount * seedCount;
        var draws = new int[(long)replicates * cells];
        var random = new SeededRandom(seed);
        int at = 0;
        for (int r = 0; r < replicates; r++)
        {
            for (int i = 0; i < promptCount; i++)
            {
                int prompt = random.NextInt(promptCount);
                for (int j = 0; j < seedCount; j++)
                {
                    draws[at++] = prompt * seedCount + random.NextInt(seedCount);
                }
            }
        }
        return new BootstrapPlan(promptCount, seedCount, replicates, draws);
    }

    /// <summary>A plan over items without seeds (S = 1).</summary>
    public static BootstrapPlan ForItems(int itemCount, int replicates, ulong seed) => Create(itemCount, 1, replicates, seed);

    /// <summary>The cells (p·S + s) drawn by replicate <paramref name="replicate"/>.</summary>
    public ReadOnlySpan<int> Draw(int replicate) => _draws.AsSpan(replicate * CellCount, CellCount);

    /// <summary>The replicate statistics of <paramref name="statistic"/>, computed over each replicate's drawn cells.</summary>
    public double[] Replicate(Func<ReadOnlySpan<int>, double> statistic)
    {
        var values = new double[Replicates];
        for (int r = 0; r < Replicates; r++)
        {
            values[r] = statistic(Draw(r));
        }
        return values;
    }

    /// <summary>Percentile interval of a statistic at <paramref name="confidence"/> (e.g. 0.95).</summary>
    public Interval Interval(Func<ReadOnlySpan<int>, double> statistic, double confidence) =>
        PercentileInterval(Replicate(statistic), confidence);

    /// <summary>Percentile interval of the mean of per-cell values ([prompts·seeds], cell p·S + s).</summary>
    public Interval MeanInterval(ReadOnlySpan<double> cellValues, double confidence)
    {
        CheckCells(cellValues.Length);
        var cells = cellValues.ToArray();
        return Interval(draw => MeanOf(cells, draw), confidence);
    }

    /// <summary>(α/2, 1 − α/2) percentiles of replicate statistics, α = 1 − confidence.</summary>
    public static Interval PercentileInterval(double[] replicates, double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must lie in (0, 1), e.g. 0.95.");
        }
        var sorted = (double[])replicates.Clone();
        Array.Sort(sorted);
        double alpha = 1 - confidence;
        return new Interval(Percentile.OfSorted(sorted, alpha / 2), Percentile.OfSorted(sorted, 1 - alpha / 2));
    }

    /// <summary>Mean of the cells a replicate drew.</summary>
    public static double MeanOf(ReadOnlySpan<double> cells, ReadOnlySpan<int> draw)
    {
        double sum = 0;
        foreach (int cell in draw)
        {
            sum += cells[cell];
        }
        return sum / draw.Length;
    }

    private void CheckCells(int length)
    {
        if (length != CellCount)
        {
            throw new ArgumentException($"The plan covers {PromptCount} × {SeedCount} = {CellCount} cells but {length} values were given.");
        }
    }
}
