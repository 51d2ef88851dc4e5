// The Saliency algorithm: for each inspected site, score every unit (an L1-logistic probe's |w_j|, optionally
// t-test weighted, or diff-means; gradient and Fisher scores come from GradientScores through FromScores), zero the scores of zero-variance columns, then rank all units of all sites
// together (optionally after dividing each site's scores by its maximum) and keep the top round(prune_fraction ×
// candidate units) with a score above 0 — ties by site order (layer, then block order), then unit index — mapped
// to weight rows. Writes scores.safetensors, selection.json, masks.safetensors and probe.json, and the random-rows
// control: as many units as were selected, drawn uniformly without replacement (seeded) from the same candidate
// units, in random-selection.json and random-masks.safetensors.
using Unlearn.Methods.Activations;
using Unlearn.Methods.Probing;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Saliency;

public static class SaliencyAnalysis
{
    public const string ScoresFile = "scores.safetensors";
    public const string SelectionFile = "selection.json";
    public const string MasksFile = "masks.safetensors";
    public const string ProbeFile = "probe.json";
    public const string RandomSelectionFile = "random-selection.json";
    public const string RandomMasksFile = "random-masks.safetensors";

    /// <summary>Scores the sites of an activation cache (<see cref="SaliencyOptions.Sites"/>, or all) and writes the artefacts.</summary>
    public static SaliencyResult Run(ActivationCache cache, TransformerShape shape, SaliencyOptions options, string outputFolder, IProgress<HookSite>? progress = null)
    {
        var sites = options.Sites ?? cache.Sites;
        return Run(sites.Select(cache.Site).ToArray(), shape, options, outputFolder, progress);
    }

    /// <summary>Scores the given sites' activations and writes the artefacts into <paramref name="outputFolder"/>.</summary>
    /// <param name="progress">Reports each site as its scores are done.</param>
    /// <exception cref="SaliencyException">An unmappable site, activations that do not fit the model, bad options.</exception>
    /// <exception cref="ProbeDataException">The probe cannot be fitted (one class only, too few rows for the split).</exception>
    public static SaliencyResult Run(IReadOnlyList<SiteActivations> activations, TransformerShape shape, SaliencyOptions options, string outputFolder, IProgress<HookSite>? progress = null)
    {
        options.Validate();
        if (options.Method is SaliencyMethod.Gradient or SaliencyMethod.Fisher)
        {
            throw new SaliencyException($"saliency.method {SaliencyArtefacts.MethodName(options.Method)} is scored from the model's gradients (GradientScores), not from pooled activations.");
        }
        var ordered = activations.OrderBy(a => a.Site.Layer).ThenBy(a => a.Site.Kind).ToArray();
        Check(ordered, shape, options);

        var sites = new List<SiteSaliency>(ordered.Length);
        foreach (var site in ordered)
        {
            sites.Add(Score(site, options));
            progress?.Report(site.Site);
        }
        return Select(sites, shape, options, outputFolder);
    }

    /// <summary>
    /// The budget, selection, random control and artefacts for scores computed elsewhere (gradient and Fisher saliency,
    /// GradientScores): one score per unit of each site, 0 for a unit that must never be selected.
    /// </summary>
    /// <exception cref="SaliencyException">An unmappable site, a site outside the model, a score vector of the wrong width.</exception>
    public static SaliencyResult FromScores(IReadOnlyList<SiteSaliency> scored, TransformerShape shape, SaliencyOptions options, string outputFolder)
    {
        options.Validate();
        var ordered = scored.OrderBy(s => s.Site.Layer).ThenBy(s => s.Site.Kind).ToList();
        if (ordered.Count == 0)
        {
            throw new SaliencyException("No sites to score; list at least one in saliency.sites (e.g. layers.3.attn.out).");
        }
        foreach (var group in ordered.GroupBy(s => s.Site).Where(g => g.Count() > 1))
        {
            throw new SaliencyException($"Site '{group.Key.Name}' is given twice.");
        }
        foreach (var site in ordered)
        {
            _ = WeightRowMapping.Projections(site.Site.Kind, options.Compat);
            int width = HookSite.Width(site.Site.Kind, shape.HiddenSize, shape.IntermediateSize);
            if (site.Site.Layer >= shape.LayerCount || site.Scores.Count != width)
            {
                throw new SaliencyException($"Site '{site.Site.Name}': {site.Scores.Count} scores, but the model has layers 0..{shape.LayerCount - 1} and width {width} there.");
            }
            if (site.Scores.Any(s => !double.IsFinite(s) || s < 0))
            {
                throw new SaliencyException($"Site '{site.Site.Name}': a score is negative or not finite; scores rank units and must be ≥ 0.");
            }
        }
        return Select(ordered, shape, options, outputFolder);
    }

    private static SaliencyResult Select(List<SiteSaliency> sites, TransformerShape shape, SaliencyOptions options, string outputFolder)
    {
        long candidateUnits = SaliencyBudget.CandidateUnits(shape, sites.Select(a => a.Site));
        int budget = options.Compat == MappingCompat.Seed
            ? SaliencyBudget.SeedRows(shape, sites.Select(a => a.Site.Layer), options.PruneFraction)
            : SaliencyBudget.Units(options.PruneFraction, candidateUnits);
        var (selected, positive) = SelectUnits(sites, budget, options);
        var random = RandomControl(sites, selected.Count, options);
        var result = new SaliencyResult(options, sites, candidateUnits, budget, positive, selected, Rows(selected, shape, options), random, Rows(random, shape, options));
        SaliencyArtefacts.Write(result, outputFolder);
        return result;
    }

    /// <summary>The weight rows a selection zeroes (weight name → rows) and every edited weight's row count.</summary>
    private static (IReadOnlyDictionary<string, int[]> Pruned, IReadOnlyDictionary<string, int> RowCounts) Rows(
        IReadOnlyList<SelectedUnit> selected, TransformerShape shape, SaliencyOptions options)
    {
        var pruned = new SortedDictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        var rowCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var unit in selected)
        {
            foreach (var row in unit.Rows)
            {
                if (!pruned.TryGetValue(row.Tensor, out var rows))
                {
                    pruned[row.Tensor] = rows = [];
                }
                rows.Add(row.Row);
            }
            foreach (var projection in WeightRowMapping.Projections(unit.Site.Kind, options.Compat))
            {
                rowCounts[WeightNames.Weight(unit.Site.Layer, projection)] = WeightRowMapping.RowCount(shape, projection);
            }
        }
        return (pruned.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal), rowCounts);
    }

    /// <summary>
    /// The random-rows control: <paramref name="count"/> units drawn uniformly without replacement from every candidate
    /// unit of the scored sites (a partial Fisher–Yates shuffle of the units in site order), ranked in draw order.
    /// </summary>
    private static List<SelectedUnit> RandomControl(List<SiteSaliency> sites, int count, SaliencyOptions options)
    {
        var drawn = new List<SelectedUnit>(count);
        foreach (var (s, unit) in DrawUnits(sites.Select(x => x.Scores.Count).ToArray(), count, options.RandomControlSeed))
        {
            var site = sites[s].Site;
            double score = sites[s].Scores[unit];
            drawn.Add(new SelectedUnit(drawn.Count + 1, site, unit, score, score, WeightRowMapping.Rows(site, unit, options.Compat).ToArray()));
        }
        return drawn;
    }

    /// <summary><paramref name="count"/> distinct (site, unit) pairs of sites of the given widths, uniformly at random.</summary>
    internal static IEnumerable<(int Site, int Unit)> DrawUnits(IReadOnlyList<int> widths, int count, ulong seed)
    {
        var units = new List<(int Site, int Unit)>();
        for (int s = 0; s < widths.Count; s++)
        {
            for (int j = 0; j < widths[s]; j++)
            {
                units.Add((s, j));
            }
        }
        var random = new Numerics.SeededRandom(seed);
        for (int i = 0; i < count; i++)
        {
            int pick = i + random.NextInt(units.Count - i);
            (units[i], units[pick]) = (units[pick], units[i]);
            yield return units[i];
        }
    }

    private static void Check(SiteActivations[] sites, TransformerShape shape, SaliencyOptions options)
    {
        if (sites.Length == 0)
        {
            throw new SaliencyException("No sites to score; list at least one in saliency.sites (e.g. layers.3.attn.out).");
        }
        foreach (var group in sites.GroupBy(s => s.Site).Where(g => g.Count() > 1))
        {
            throw new SaliencyException($"Site '{group.Key.Name}' is given twice.");
        }
        foreach (var site in sites)
        {
            _ = WeightRowMapping.Projections(site.Site.Kind, options.Compat);
            if (site.Site.Layer >= shape.LayerCount)
            {
                throw new SaliencyException($"Site '{site.Site.Name}': the model has layers 0..{shape.LayerCount - 1}. The activations do not belong to this model.");
            }
            int width = HookSite.Width(site.Site.Kind, shape.HiddenSize, shape.IntermediateSize);
            foreach (var (matrix, group) in new[] { (site.Concept, "concept"), (site.Background, "background") })
            {
                if (matrix.Width != width || matrix.Values.Length != (long)matrix.Rows * matrix.Width)
                {
                    throw new SaliencyException($"Site '{site.Site.Name}': {group} activations are [{matrix.Rows}, {matrix.Width}] but the model's width there is {width}. The activations do not belong to this model.");
                }
                if (matrix.Rows == 0)
                {
                    throw new SaliencyException($"Site '{site.Site.Name}': no {group} rows; both classes are needed. Check the examples and the activation cache.");
                }
            }
        }
    }

    private static SiteSaliency Score(SiteActivations site, SaliencyOptions options)
    {
        var concept = site.Concept;
        var background = site.Background;
        int width = concept.Width;
        bool[] constant = ConstantColumns(concept, background);
        int zeroVariance = constant.Count(c => c);
        double[] scores;
        SiteProbeReport report;
        if (options.Method == SaliencyMethod.Random)
        {
            // One stream per site (layer and kind), so a site's draws do not depend on which other sites are scored.
            var random = new Numerics.SeededRandom(options.Probe.Seed ^ (ulong)((site.Site.Layer << 8) | (int)site.Site.Kind) * 0x9E3779B97F4A7C15UL);
            scores = Enumerable.Range(0, width).Select(_ => 1.0 - random.NextDouble()).ToArray();
            report = new SiteProbeReport("random", concept.Rows, background.Rows, 0, 0, double.NaN, double.NaN, null, width, false, false, zeroVariance, null);
        }
        else if (options.Method == SaliencyMethod.DiffMeans)
        {
            scores = DiffMeans.Scores(concept.Values, concept.Rows, background.Values, background.Rows, width);
            report = new SiteProbeReport("diff-means", concept.Rows, background.Rows, concept.Rows + background.Rows, 0, double.NaN, double.NaN, null,
                scores.Count(s => s > 0), false, false, zeroVariance, null);
        }
        else
        {
            int rowCount = concept.Rows + background.Rows;
            var rows = new float[(long)rowCount * width];
            concept.Values.CopyTo(rows, 0);
            background.Values.CopyTo(rows, concept.Values.Length);
            var labels = new bool[rowCount];
            Array.Fill(labels, true, 0, concept.Rows);
            var probe = Probe.Fit(rows, rowCount, width, labels, options.Probe);
            scores = probe.Scores.ToArray();
            report = new SiteProbeReport("l1-logistic", concept.Rows, background.Rows, probe.TrainRows.Count, probe.HeldOutRows.Count,
                probe.TrainAccuracy, probe.HeldOutAccuracy, probe.C, probe.NonZeroCount, options.Probe.TTestWeighting, options.Probe.Standardize,
                zeroVariance, probe.CrossValidation);
        }
        for (int j = 0; j < width; j++)
        {
            if (constant[j])
            {
                scores[j] = 0;
            }
        }
        return new SiteSaliency(site.Site, scores, report);
    }

    /// <summary>Columns whose value is the same in every row of both classes.</summary>
    private static bool[] ConstantColumns(ActivationMatrix concept, ActivationMatrix background)
    {
        int width = concept.Width;
        var constant = new bool[width];
        var first = concept.Row(0);
        for (int j = 0; j < width; j++)
        {
            constant[j] = true;
        }
        foreach (var matrix in new[] { concept, background })
        {
            for (int r = 0; r < matrix.Rows; r++)
            {
                var row = matrix.Row(r);
                for (int j = 0; j < width; j++)
                {
                    constant[j] &= row[j] == first[j];
                }
            }
        }
        return constant;
    }

    private static (List<SelectedUnit> Selected, int Positive) SelectUnits(List<SiteSaliency> sites, int budget, SaliencyOptions options)
    {
        var candidates = new List<(double Key, int SiteOrder, int Unit, double Score)>();
        for (int s = 0; s < sites.Count; s++)
        {
            double max = sites[s].MaxScore;
            var scores = sites[s].Scores;
            for (int j = 0; j < scores.Count; j++)
            {
                if (scores[j] > 0)
                {
                    double key = options.NormalizePerSite ? scores[j] / max : scores[j];
                    candidates.Add((key, s, j, scores[j]));
                }
            }
        }
        candidates.Sort((a, b) =>
        {
            int byKey = b.Key.CompareTo(a.Key);
            return byKey != 0 ? byKey : a.SiteOrder != b.SiteOrder ? a.SiteOrder.CompareTo(b.SiteOrder) : a.Unit.CompareTo(b.Unit);
        });
        var selected = candidates.Take(budget).Select((c, i) =>
        {
            var site = sites[c.SiteOrder].Site;
            return new SelectedUnit(i + 1, site, c.Unit, c.Score, c.Key, WeightRowMapping.Rows(site, c.Unit, options.Compat).ToArray());
        }).ToList();
        return (selected, candidates.Count);
    }
}
