// What the saliency stage produces in memory: per site the scores and the probe's report, the global selection
// (ranked units and the weight rows they map to), the budget arithmetic, and the row masks.
using Unlearn.Methods.Probing;
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Saliency;

/// <summary>How a site's scores were obtained. Accuracies are NaN where they do not apply (diff-means; nothing held out).</summary>
public sealed record SiteProbeReport(
    string Method, int ConceptRows, int BackgroundRows, int TrainRows, int HeldOutRows, double TrainAccuracy, double HeldOutAccuracy,
    double? C, int NonZeroCount, bool TTestWeighting, bool Standardized, int ZeroVarianceColumns, CrossValidationResult? CrossValidation);

/// <summary>One site's scores (one per unit; 0 for a zero-variance column) and how they were obtained.</summary>
public sealed record SiteSaliency(HookSite Site, IReadOnlyList<double> Scores, SiteProbeReport Report)
{
    public double MaxScore => Scores.Count == 0 ? 0 : Scores.Max();
}

/// <summary>A selected unit: its global rank (1 = most salient), its score, the score it was ranked by (normalised
/// per site when asked), and the weight rows it zeroes.</summary>
public sealed record SelectedUnit(int Rank, HookSite Site, int Unit, double Score, double RankingScore, IReadOnlyList<WeightRow> Rows);

public sealed class SaliencyResult
{
    internal SaliencyResult(
        SaliencyOptions options, IReadOnlyList<SiteSaliency> sites, long candidateUnits, int budget, int positiveUnits,
        IReadOnlyList<SelectedUnit> selected, (IReadOnlyDictionary<string, int[]> Pruned, IReadOnlyDictionary<string, int> RowCounts) rows,
        IReadOnlyList<SelectedUnit> randomSelected, (IReadOnlyDictionary<string, int[]> Pruned, IReadOnlyDictionary<string, int> RowCounts) randomRows)
    {
        var (prunedRows, rowCounts) = rows;
        RandomSelected = randomSelected;
        RandomPrunedRows = randomRows.Pruned;
        RandomRowCounts = randomRows.RowCounts;
        Options = options;
        Sites = sites;
        CandidateUnits = candidateUnits;
        Budget = budget;
        PositiveUnits = positiveUnits;
        Selected = selected;
        PrunedRows = prunedRows;
        RowCounts = rowCounts;
    }

    public SaliencyOptions Options { get; }

    public IReadOnlyList<SiteSaliency> Sites { get; }

    public long CandidateUnits { get; }

    /// <summary>Units the budget allows.</summary>
    public int Budget { get; }

    /// <summary>Units with a score above 0; only those can be selected, so fewer than <see cref="Budget"/> may be.</summary>
    public int PositiveUnits { get; }

    public IReadOnlyList<SelectedUnit> Selected { get; }

    /// <summary>Weight name → rows zeroed, ascending.</summary>
    public IReadOnlyDictionary<string, int[]> PrunedRows { get; }

    /// <summary>Weight name → rows of that weight (mask length), for every weight in <see cref="PrunedRows"/>.</summary>
    public IReadOnlyDictionary<string, int> RowCounts { get; }

    /// <summary>The random-rows control: as many units as <see cref="Selected"/>, drawn uniformly from the same candidates.</summary>
    public IReadOnlyList<SelectedUnit> RandomSelected { get; }

    /// <summary>Weight name → rows the random control zeroes, ascending.</summary>
    public IReadOnlyDictionary<string, int[]> RandomPrunedRows { get; }

    /// <summary>Weight name → rows of that weight, for every weight in <see cref="RandomPrunedRows"/>.</summary>
    public IReadOnlyDictionary<string, int> RandomRowCounts { get; }

    public ModelEdits ToModelEdits() => new(PrunedRows, [], []);
}
