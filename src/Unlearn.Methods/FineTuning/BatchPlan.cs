// Which examples form each micro-batch and each optimiser step, epoch by epoch, as a pure function of (example lengths,
// sizes, seed, epoch) — so a resumed run finds its place from the step number alone. Length-bucketed: an epoch
// shuffles the examples with its own seeded stream (ties in length stay in random order), sorts them by length (stable),
// cuts the sorted list into micro-batches of similar length (little padding), then shuffles the micro-batches with the
// same stream. An optimiser step takes the next `accumulation` micro-batches; the last step of an epoch may take fewer.
using Unlearn.Numerics;

namespace Unlearn.Methods.FineTuning;

public sealed class BatchPlan
{
    // Spreads epoch numbers over the seed space (the SplitMix increment, odd).
    private const ulong EpochSeedMultiplier = 0x9E3779B97F4A7C15UL;

    private readonly IReadOnlyList<int> _lengths;
    private readonly Dictionary<int, int[][]> _epochs = [];

    public BatchPlan(IReadOnlyList<int> lengths, int microBatchSize, int accumulationSteps, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Count == 0)
        {
            throw new FineTuningException("There are no training examples (after filtering and rendering): check the dataset and the target-term filter.");
        }
        if (microBatchSize < 1 || accumulationSteps < 1)
        {
            throw new FineTuningException($"micro_batch_size ({microBatchSize}) and gradient_accumulation_steps ({accumulationSteps}) must be at least 1.");
        }
        _lengths = lengths;
        MicroBatchSize = microBatchSize;
        AccumulationSteps = accumulationSteps;
        Seed = seed;
        MicroBatchesPerEpoch = (lengths.Count + microBatchSize - 1) / microBatchSize;
        StepsPerEpoch = (MicroBatchesPerEpoch + accumulationSteps - 1) / accumulationSteps;
    }

    public int MicroBatchSize { get; }

    public int AccumulationSteps { get; }

    public ulong Seed { get; }

    public int MicroBatchesPerEpoch { get; }

    public int StepsPerEpoch { get; }

    /// <summary>The micro-batches of an epoch, in training order; each holds example indices sorted by length.</summary>
    public IReadOnlyList<int[]> MicroBatches(int epoch)
    {
        if (_epochs.TryGetValue(epoch, out var cached))
        {
            return cached;
        }
        var random = new SeededRandom(Seed ^ (EpochSeedMultiplier * (ulong)(epoch + 1)));
        var order = Enumerable.Range(0, _lengths.Count).ToArray();
        Shuffle(order, random);
        var sorted = order.OrderBy(i => _lengths[i]).ToArray();   // LINQ OrderBy is stable
        var batches = new int[MicroBatchesPerEpoch][];
        for (int b = 0; b < batches.Length; b++)
        {
            int start = b * MicroBatchSize;
            batches[b] = sorted[start..Math.Min(sorted.Length, start + MicroBatchSize)];
        }
        Shuffle(batches, random);
        _epochs.Clear();   // a run walks epochs in order; keep one
        _epochs[epoch] = batches;
        return batches;
    }

    /// <summary>Optimiser step <paramref name="step"/> (0-based over the whole run): its epoch, the index of its first
    /// micro-batch within the epoch, and its micro-batches.</summary>
    public (int Epoch, int FirstMicroBatch, IReadOnlyList<int[]> MicroBatches) Step(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        int epoch = checked((int)(step / StepsPerEpoch));
        int first = (int)(step % StepsPerEpoch) * AccumulationSteps;
        var all = MicroBatches(epoch);
        int count = Math.Min(AccumulationSteps, all.Count - first);
        return (epoch, first, all.Skip(first).Take(count).ToArray());
    }

    /// <summary>Fisher–Yates from the last element down, one draw per position.</summary>
    internal static void Shuffle<T>(T[] items, SeededRandom random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
