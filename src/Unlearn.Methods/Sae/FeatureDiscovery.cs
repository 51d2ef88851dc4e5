// Which SAE latents are concept features (METHODS.md "SAE", the prototype's diff_means.py, seeds-spec §C.4). Over the
// first N concept tokens (every token of the concept examples) and the first N neutral tokens (every token of the
// background examples, which never mention the concept: the neutral set seed bug C-4 emptied of TinyStories), each
// latent's fire count c (z > 0), frequency f = c / N and mean activation μ = Σz / (c + 1e-8); then
//   ratio = (c_t + 16) / (c_n + 16),  valid ⇔ f_t > 0.001 ∧ c_t ≥ 64 ∧ f_n < 0.005 ∧ f_t < 0.2 ∧ ratio > 2,
//   score = (f_t − f_n) · ln(1 + ratio) · ln(1 + μ_t / (μ_n + 1e-4)),
// and the top N valid latents by score (ties: the lower latent). For each selected feature the strongest activations
// over both token sets are kept with their example, position and the decoded tokens around them, so a reviewer can see
// what the feature is. `RandomScoreSeed` replaces the score by a seeded draw (the negative control of discovery), and
// FrequencyMatchedControl and UniformControl draw the random-feature control (sae-random). Tokens are read in cache order and counts summed in that
// order: the result is deterministic.
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Numerics.Gemm;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Sae;

/// <summary>Per-latent statistics of one token set.</summary>
public sealed record LatentCounts(long Tokens, long[] FireCount, double[] ActivationSum)
{
    public double Frequency(int latent) => Tokens == 0 ? 0 : (double)FireCount[latent] / Tokens;

    public double MeanActivation(int latent) => ActivationSum[latent] / (FireCount[latent] + 1e-8);
}

/// <summary>A token where a feature fired strongly, and the text around it.</summary>
public sealed record FeatureContext(ExampleLabel Group, int Example, int Position, float Activation, int TokenId, string Before, string Token, string After);

public sealed record DiscoveredFeature(int Latent, int Rank, double Score, double Ratio, double ActRatio, IReadOnlyList<FeatureContext> Contexts);

public sealed record FeatureDiscoveryResult(
    LatentCounts Concept, LatentCounts Neutral, double[] Ratio, double[] ActRatio, double[] Score, bool[] Valid, IReadOnlyList<DiscoveredFeature> Selected);

public static class FeatureDiscovery
{
    private const int BlockRows = 1024;

    /// <exception cref="SaeException">The cache is not at the SAE's site, or has no concept or neutral tokens.</exception>
    public static FeatureDiscoveryResult Run(SparseAutoencoder sae, TokenActivations cache, Tokenizer tokenizer, FeatureDiscoverySettings settings, IGemm gemm)
    {
        settings.Validate();
        sae.RequireSite(sae.Site, cache.Index.Width(sae.Site.Kind), cache.Folder);
        if (!cache.Index.Sites.Contains(sae.Site))
        {
            throw new SaeException($"The activation cache '{cache.Folder}' holds {string.Join(", ", cache.Index.Sites.Select(s => s.Name))}, not the SAE's site {sae.Site.Name}.");
        }
        var conceptRows = Budget(cache, ExampleLabel.Concept, settings.ConceptTokens);
        var neutralRows = Budget(cache, ExampleLabel.Background, settings.NeutralTokens);
        if (conceptRows.Length == 0 || neutralRows.Length == 0)
        {
            throw new SaeException($"Feature discovery needs concept and neutral tokens; the cache '{cache.Folder}' has {conceptRows.Length} and {neutralRows.Length}.");
        }
        int n = sae.LatentCount;
        var concept = Count(sae, cache, conceptRows, gemm);
        var neutral = Count(sae, cache, neutralRows, gemm);
        var ratio = new double[n];
        var actRatio = new double[n];
        var score = new double[n];
        var valid = new bool[n];
        for (int f = 0; f < n; f++)
        {
            ratio[f] = (concept.FireCount[f] + settings.Smoothing) / (neutral.FireCount[f] + settings.Smoothing);
            actRatio[f] = concept.MeanActivation(f) / (neutral.MeanActivation(f) + 1e-4);
            double ft = concept.Frequency(f), fn = neutral.Frequency(f);
            score[f] = (ft - fn) * Math.Log(1 + ratio[f]) * Math.Log(1 + actRatio[f]);
            valid[f] = ft > settings.MinConceptFrequency && concept.FireCount[f] >= settings.MinConceptCount
                && fn < settings.MaxNeutralFrequency && ft < settings.MaxConceptFrequency && ratio[f] > settings.MinRatio;
        }
        if (settings.RandomScoreSeed is { } seed)
        {
            var random = new Numerics.SeededRandom(seed);
            for (int f = 0; f < n; f++)
            {
                score[f] = random.NextDouble();
                valid[f] = true;
            }
        }
        var chosen = Enumerable.Range(0, n).Where(f => valid[f])
            .OrderByDescending(f => score[f]).ThenBy(f => f)
            .Take(settings.TopN).ToArray();
        var contexts = TopContexts(sae, cache, tokenizer, chosen, conceptRows.Concat(neutralRows).ToArray(), settings, gemm);
        var selected = chosen.Select((f, rank) => new DiscoveredFeature(f, rank + 1, score[f], ratio[f], actRatio[f], contexts[rank])).ToArray();
        return new FeatureDiscoveryResult(concept, neutral, ratio, actRatio, score, valid, selected);
    }

    /// <summary>How many nearest-frequency candidates the control draws each partner from (see <see cref="FrequencyMatchedControl"/>).</summary>
    public const int ControlPool = 8;

    /// <summary>
    /// The random-feature control, frequency-matched: for each selected feature in rank order, one latent drawn uniformly
    /// (seeded) from the <see cref="ControlPool"/> latents that are neither selected nor drawn yet and whose fire count over
    /// the discovery tokens (concept and neutral together) is nearest to the feature's (ties: the lower latent). A uniform
    /// draw over all latents mostly picks latents that fire far more or far less often than concept features do (the
    /// selected ones fire on under 20 % of concept tokens and 0.5 % of neutral ones), which makes the control's damage
    /// and its effect on the concept a question of frequency rather than of concept; matching the frequency leaves only
    /// "which latents" to differ between sae-ablated and sae-random.
    /// </summary>
    /// <returns>The control latents, the i-th matched to the i-th selected feature.</returns>
    /// <exception cref="SaeException">There are fewer unselected latents than selected ones.</exception>
    public static int[] FrequencyMatchedControl(FeatureDiscoveryResult result, ulong seed)
    {
        var available = Unselected(result, out _);
        var selected = result.Selected.Select(f => f.Latent).ToArray();
        long Fires(int f) => result.Concept.FireCount[f] + result.Neutral.FireCount[f];
        var random = new Numerics.SeededRandom(seed);
        var control = new int[selected.Length];
        for (int i = 0; i < selected.Length; i++)
        {
            long target = Fires(selected[i]);
            var pool = available.OrderBy(f => Math.Abs(Fires(f) - target)).ThenBy(f => f).Take(ControlPool).ToArray();
            control[i] = pool[random.NextInt(pool.Length)];
            available.Remove(control[i]);
        }
        return control;
    }

    /// <summary>
    /// The random-feature control drawn uniformly: as many latents as were selected, without replacement from those not
    /// selected (a partial Fisher–Yates shuffle of the other latents in index order), in draw order.
    /// </summary>
    /// <exception cref="SaeException">There are fewer unselected latents than selected ones.</exception>
    public static int[] UniformControl(FeatureDiscoveryResult result, ulong seed)
    {
        var others = Unselected(result, out int count).ToArray();
        var random = new Numerics.SeededRandom(seed);
        for (int i = 0; i < count; i++)
        {
            int pick = i + random.NextInt(others.Length - i);
            (others[i], others[pick]) = (others[pick], others[i]);
        }
        return others[..count];
    }

    private static List<int> Unselected(FeatureDiscoveryResult result, out int selectedCount)
    {
        var taken = result.Selected.Select(f => f.Latent).ToHashSet();
        selectedCount = taken.Count;
        var others = Enumerable.Range(0, result.Score.Length).Where(f => !taken.Contains(f)).ToList();
        if (selectedCount > others.Count)
        {
            throw new SaeException($"The random-feature control needs {selectedCount} latents outside the {selectedCount} selected ones, but the SAE has only {others.Count} others.");
        }
        return others;
    }

    /// <summary>The first <paramref name="budget"/> rows of a class, in cache order.</summary>
    private static int[] Budget(TokenActivations cache, ExampleLabel group, int budget) =>
        cache.Ranges(group).SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start)).Take(budget).ToArray();

    private static LatentCounts Count(SparseAutoencoder sae, TokenActivations cache, int[] rows, IGemm gemm)
    {
        int d = sae.InputWidth, k = sae.K;
        var fires = new long[sae.LatentCount];
        var sums = new double[sae.LatentCount];
        var x = new float[BlockRows * d];
        var indices = new int[BlockRows * k];
        var codes = new float[BlockRows * k];
        for (int first = 0; first < rows.Length; first += BlockRows)
        {
            int count = Math.Min(BlockRows, rows.Length - first);
            cache.Gather(sae.Site, rows.AsSpan(first, count), x);
            sae.Encode(x.AsSpan(0, count * d), count, gemm, indices, codes);
            for (int i = 0; i < count * k; i++)
            {
                if (codes[i] > 0f)
                {
                    fires[indices[i]]++;
                    sums[indices[i]] += codes[i];
                }
            }
        }
        return new LatentCounts(rows.Length, fires, sums);
    }

    /// <summary>Per chosen feature, its strongest activations (ties: the earlier token) with the decoded text around them.</summary>
    private static List<FeatureContext>[] TopContexts(
        SparseAutoencoder sae, TokenActivations cache, Tokenizer tokenizer, int[] features, int[] rows, FeatureDiscoverySettings settings, IGemm gemm)
    {
        var slot = features.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i);
        var best = features.Select(_ => new List<(float Activation, int Row)>()).ToArray();
        int d = sae.InputWidth, k = sae.K;
        var x = new float[BlockRows * d];
        var indices = new int[BlockRows * k];
        var codes = new float[BlockRows * k];
        for (int first = 0; first < rows.Length && settings.Contexts > 0; first += BlockRows)
        {
            int count = Math.Min(BlockRows, rows.Length - first);
            cache.Gather(sae.Site, rows.AsSpan(first, count), x);
            sae.Encode(x.AsSpan(0, count * d), count, gemm, indices, codes);
            for (int i = 0; i < count * k; i++)
            {
                if (codes[i] > 0f && slot.TryGetValue(indices[i], out int s))
                {
                    var list = best[s];
                    int row = rows[first + i / k];
                    if (list.Count < settings.Contexts || codes[i] > list[^1].Activation)
                    {
                        int at = list.FindIndex(e => codes[i] > e.Activation);
                        list.Insert(at < 0 ? list.Count : at, (codes[i], row));
                        if (list.Count > settings.Contexts)
                        {
                            list.RemoveAt(list.Count - 1);
                        }
                    }
                }
            }
        }
        return best.Select(list => list.Select(e => Context(cache, tokenizer, e.Row, e.Activation, settings)).ToList()).ToArray();
    }

    private static FeatureContext Context(TokenActivations cache, Tokenizer tokenizer, int row, float activation, FeatureDiscoverySettings settings)
    {
        var peak = cache.Row(row);
        bool Same(int r) => r >= 0 && r < cache.RowCount && cache.Row(r) is var other && other.Group == peak.Group && other.Example == peak.Example;
        var before = new List<int>();
        for (int r = row - 1; before.Count < settings.ContextBefore && Same(r); r--)
        {
            before.Insert(0, cache.Row(r).TokenId);
        }
        var after = new List<int>();
        for (int r = row + 1; after.Count < settings.ContextAfter && Same(r); r++)
        {
            after.Add(cache.Row(r).TokenId);
        }
        // Decoding the pieces together keeps the spaces SentencePiece attaches to a token (▁play decodes to "play" alone).
        string left = tokenizer.Decode(before);
        string withPeak = tokenizer.Decode([.. before, peak.TokenId]);
        string all = tokenizer.Decode([.. before, peak.TokenId, .. after]);
        string token = withPeak.StartsWith(left, StringComparison.Ordinal) ? withPeak[left.Length..] : tokenizer.Decode([peak.TokenId]);
        string right = all.StartsWith(withPeak, StringComparison.Ordinal) ? all[withPeak.Length..] : tokenizer.Decode(after);
        return new FeatureContext(peak.Group, peak.Example, peak.Position, activation, peak.TokenId, left, token, right);
    }
}
