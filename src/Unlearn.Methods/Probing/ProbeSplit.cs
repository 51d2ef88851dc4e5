// Stratified, seeded row splits for the probe: a train / held-out split and k cross-validation folds.
// Each class is shuffled on its own (concept first, then background, one random stream), so both parts
// keep the class ratio; the returned row lists are ascending, so the rows' order in a fit never depends
// on the shuffle, only their membership.
namespace Unlearn.Methods.Probing;

public static class ProbeSplit
{
    /// <summary>
    /// Holds out round(n_c · <paramref name="heldOutFraction"/>) rows of each class c (half away from zero).
    /// Every class keeps at least one training row.
    /// </summary>
    public static (int[] Train, int[] HeldOut) TrainHeldOut(ReadOnlySpan<bool> labels, double heldOutFraction, ulong seed)
    {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "must be in [0, 1), e.g. 0.2.");
        }
        var random = new ProbeRandom(seed);
        var train = new List<int>();
        var heldOut = new List<int>();
        foreach (bool concept in new[] { true, false })
        {
            int[] members = RowsOf(labels, concept);
            random.Shuffle(members);
            int held = (int)Math.Round(members.Length * heldOutFraction, MidpointRounding.AwayFromZero);
            if (members.Length > 0 && held >= members.Length)
            {
                throw new ProbeDataException(
                    $"labels: only {members.Length} {(concept ? "concept" : "background")} row(s); holding out {heldOutFraction:P0} leaves none to train on. Provide more examples or lower the held-out fraction.");
            }
            heldOut.AddRange(members.AsSpan(0, held));
            train.AddRange(members.AsSpan(held));
        }
        train.Sort();
        heldOut.Sort();
        return (train.ToArray(), heldOut.ToArray());
    }

    /// <summary>
    /// Splits <paramref name="rows"/> into <paramref name="foldCount"/> stratified validation folds: each class's rows
    /// are shuffled and dealt round-robin, the background class continuing where the concept class stopped, so fold
    /// sizes differ by at most one. Returns each fold's rows, ascending.
    /// </summary>
    public static int[][] StratifiedFolds(ReadOnlySpan<bool> labels, IReadOnlyList<int> rows, int foldCount, ulong seed)
    {
        if (foldCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(foldCount), foldCount, "cross-validation needs at least 2 folds.");
        }
        var random = new ProbeRandom(seed);
        var folds = Enumerable.Range(0, foldCount).Select(_ => new List<int>()).ToArray();
        int next = 0;
        foreach (bool concept in new[] { true, false })
        {
            var selected = new List<int>();
            foreach (int row in rows)
            {
                if (labels[row] == concept)
                {
                    selected.Add(row);
                }
            }
            int[] members = selected.ToArray();
            if (members.Length < foldCount)
            {
                throw new ProbeDataException(
                    $"labels: {members.Length} {(concept ? "concept" : "background")} training row(s) cannot fill {foldCount} stratified folds; use fewer folds or more examples.");
            }
            random.Shuffle(members);
            foreach (int row in members)
            {
                folds[next].Add(row);
                next = (next + 1) % foldCount;
            }
        }
        return folds.Select(f => f.Order().ToArray()).ToArray();
    }

    private static int[] RowsOf(ReadOnlySpan<bool> labels, bool concept)
    {
        var rows = new List<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == concept)
            {
                rows.Add(i);
            }
        }
        return rows.ToArray();
    }
}
