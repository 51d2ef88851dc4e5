// The pruning budget. Candidate units are what the scores rank: one per dimension of every inspected
// residual-width site (one o_proj or down_proj row each) and one per neuron of an inspected mlp.act site (a
// gate_proj row and an up_proj row together). Budget = round(prune_fraction × units), half away from zero.
// The paper's setting (Llama-3.2-3B, attn.out and mlp.out of the last 4 blocks, 3072 rows each) has
// 4 × 2 × 3072 = 24,576 units, so 0.0085 prunes 209 rows. The seed instead counted the rows of every Linear in
// those blocks (q 3072 + k 1024 + v 1024 + o 3072 + gate 8192 + up 8192 + down 3072 = 27,648 per block,
// 110,592 in all) and truncated: int(0.0085 × 110,592) = 940 — a budget over rows it could never select.
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Saliency;

public static class SaliencyBudget
{
    /// <summary>Candidate units of the inspected sites: the width of each site.</summary>
    public static long CandidateUnits(TransformerShape shape, IEnumerable<HookSite> sites) =>
        sites.Sum(s => (long)HookSite.Width(s.Kind, shape.HiddenSize, shape.IntermediateSize));

    /// <summary>round(<paramref name="pruneFraction"/> × <paramref name="candidateUnits"/>), half away from zero.</summary>
    public static int Units(double pruneFraction, long candidateUnits) =>
        checked((int)Math.Round(pruneFraction * candidateUnits, MidpointRounding.AwayFromZero));

    /// <summary>The seed's budget: ⌊fraction × rows of all seven projections of every inspected block⌋.</summary>
    public static int SeedRows(TransformerShape shape, IEnumerable<int> layers, double pruneFraction)
    {
        long rowsPerBlock = WeightNames.All.Sum(p => (long)WeightRowMapping.RowCount(shape, p));
        return checked((int)Math.Floor(pruneFraction * rowsPerBlock * layers.Distinct().Count()));
    }
}
