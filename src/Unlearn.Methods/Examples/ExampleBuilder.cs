// Turns candidates into the examples stage's result, in this order: deduplicate (case- and whitespace-
// insensitive; the first occurrence wins; a text found in both classes is dropped from both), filter by length
// (words, then tokens with BOS), choose the requested count of each class with a seeded shuffle, reserve the
// held-out share, and put each part back in source order. The same candidates and options always give the
// same files.
using System.Text;
using Unlearn.Numerics;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Examples;

public static class ExampleBuilder
{
    // Each class shuffles from its own stream so that changing one class's count never moves the other's choice.
    private static readonly ulong[] ClassSalts = [0x6A09E667F3BCC908UL, 0xBB67AE8584CAA73BUL];

    /// <param name="tokenizer">The model's tokenizer: needed for <see cref="ExampleOptions.MaxTokens"/> and for token statistics.</param>
    /// <exception cref="ExamplesException">Bad options, or fewer examples than requested survive the filters.</exception>
    public static ExampleSet Build(CandidateSet candidates, ExampleOptions options, Tokenizer? tokenizer = null)
    {
        options.Validate(tokenizer is not null);
        var dropped = new int[Enum.GetValues<DropReason>().Length, 2];
        var candidateCounts = new int[2];
        foreach (var candidate in candidates.Candidates)
        {
            candidateCounts[(int)candidate.Label]++;
        }

        var unique = Deduplicate(candidates.Candidates, dropped);
        var available = new List<Kept>[] { [], [] };
        foreach (var (index, candidate) in unique)
        {
            string text = candidate.Text.Trim();
            int words = CountWords(text);
            int label = (int)candidate.Label;
            if (words < options.MinWords)
            {
                dropped[(int)DropReason.TooFewWords, label]++;
                continue;
            }
            if (words > options.MaxWords)
            {
                dropped[(int)DropReason.TooManyWords, label]++;
                continue;
            }
            int tokens = tokenizer?.Encode(text).Count ?? 0;
            if (options.MaxTokens is int maxTokens && tokens > maxTokens)
            {
                dropped[(int)DropReason.TooManyTokens, label]++;
                continue;
            }
            available[label].Add(new Kept(index, text, candidate.Source, words, tokens));
        }

        for (int label = 0; label < 2; label++)
        {
            if (available[label].Count == 0)
            {
                string group = ExampleLists.GroupName((ExampleLabel)label);
                throw new ExamplesException(
                    $"No {group} examples survived the filters ({candidateCounts[label]} candidates, {DropSummary(dropped, label)}); both classes are needed. " +
                    "Check the terms, the sources and the length limits.");
            }
        }
        int balanced = Math.Min(available[0].Count, available[1].Count);
        int[] wanted = [options.ConceptCount ?? balanced, options.BackgroundCount ?? balanced];
        var training = new List<Kept>[2];
        var heldOut = new List<Kept>[2];
        for (int label = 0; label < 2; label++)
        {
            if (wanted[label] > available[label].Count)
            {
                throw TooFew((ExampleLabel)label, wanted[label], available[label].Count, candidates, dropped);
            }
            var shuffled = available[label].ToArray();
            Shuffle(shuffled, new SeededRandom(options.Seed ^ ClassSalts[label]));
            int held = (int)Math.Round(wanted[label] * options.HeldOutFraction, MidpointRounding.AwayFromZero);
            heldOut[label] = shuffled.Take(held).OrderBy(k => k.Index).ToList();
            training[label] = shuffled.Skip(held).Take(wanted[label] - held).OrderBy(k => k.Index).ToList();
            dropped[(int)DropReason.Surplus, label] = available[label].Count - wanted[label];
        }

        var candidatesBySource = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var candidate in candidates.Candidates)
        {
            if (!candidatesBySource.TryGetValue(candidate.Source, out var counts))
            {
                candidatesBySource[candidate.Source] = counts = new int[2];
            }
            counts[(int)candidate.Label]++;
        }
        var keptBySource = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        for (int label = 0; label < 2; label++)
        {
            foreach (var kept in training[label].Concat(heldOut[label]))
            {
                if (!keptBySource.TryGetValue(kept.Source, out var counts))
                {
                    keptBySource[kept.Source] = counts = new int[2];
                }
                counts[label]++;
            }
        }
        var wordSummaries = new LengthSummary[2];
        var tokenSummaries = tokenizer is null ? null : new LengthSummary[2];
        for (int label = 0; label < 2; label++)
        {
            var all = training[label].Concat(heldOut[label]).ToList();
            wordSummaries[label] = LengthSummary.Of(all.Select(k => k.Words).ToList());
            tokenSummaries?[label] = LengthSummary.Of(all.Select(k => k.Tokens).ToList());
        }
        var stats = new ExampleStats(
            options, candidates.Sources, candidateCounts, dropped, [available[0].Count, available[1].Count],
            [training[0].Count, training[1].Count], [heldOut[0].Count, heldOut[1].Count], candidatesBySource, keptBySource, wordSummaries, tokenSummaries);
        return new ExampleSet(Lists(training), Lists(heldOut), stats);
    }

    /// <summary>The deduplication key: lower-cased, whitespace runs collapsed to one space, trimmed.</summary>
    public static string DeduplicationKey(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>Whitespace-separated words.</summary>
    public static int CountWords(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static List<(int Index, ExampleCandidate Candidate)> Deduplicate(IReadOnlyList<ExampleCandidate> candidates, int[,] dropped)
    {
        var firstLabel = new Dictionary<string, ExampleLabel>(StringComparer.Ordinal);
        var conflicting = new HashSet<string>(StringComparer.Ordinal);
        var keys = new string[candidates.Count];
        for (int i = 0; i < candidates.Count; i++)
        {
            keys[i] = DeduplicationKey(candidates[i].Text);
            if (firstLabel.TryGetValue(keys[i], out var label) && label != candidates[i].Label)
            {
                conflicting.Add(keys[i]);
            }
            firstLabel.TryAdd(keys[i], candidates[i].Label);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<(int, ExampleCandidate)>();
        for (int i = 0; i < candidates.Count; i++)
        {
            int label = (int)candidates[i].Label;
            if (conflicting.Contains(keys[i]))
            {
                dropped[(int)DropReason.ConflictingLabel, label]++;
            }
            else if (!seen.Add(keys[i]))
            {
                dropped[(int)DropReason.Duplicate, label]++;
            }
            else
            {
                unique.Add((i, candidates[i]));
            }
        }
        return unique;
    }

    private static void Shuffle<T>(T[] items, SeededRandom random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ExampleLists Lists(List<Kept>[] parts) =>
        new(parts[0].Select(k => k.Text).ToArray(), parts[1].Select(k => k.Text).ToArray());

    private static ExamplesException TooFew(ExampleLabel label, int wanted, int available, CandidateSet candidates, int[,] dropped)
    {
        string group = ExampleLists.GroupName(label);
        string hint = candidates.Sources.Any(s => s.Kind == "generate")
            ? "generate more stories (generate.stories)"
            : "add source material";
        return new ExamplesException(
            $"Only {available} {group} examples survived the filters ({DropSummary(dropped, (int)label)}) but {wanted} were requested; " +
            $"ask for fewer ({group}_count), loosen the length limits, or {hint}.");
    }

    private static string DropSummary(int[,] dropped, int label)
    {
        string filters = string.Join(", ", new[] { DropReason.Duplicate, DropReason.ConflictingLabel, DropReason.TooFewWords, DropReason.TooManyWords, DropReason.TooManyTokens }
            .Where(r => dropped[(int)r, label] > 0)
            .Select(r => $"{dropped[(int)r, label]} {ExampleStats.ReasonName(r)}"));
        return filters.Length == 0 ? "none dropped" : "dropped: " + filters;
    }

    private sealed record Kept(int Index, string Text, string Source, int Words, int Tokens);
}
