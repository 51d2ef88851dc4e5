// One text of a gradient-saliency objective: its token ids (BOS first) and which of its tokens the objective scores.
// The objective of a sequence is the mean negative log-likelihood of its target tokens given their prefix, so a
// concept sentence counts only the tokens that spell a concept form ("the log-probability of the concept
// continuation", METHODS.md "Saliency — other methods"), a background sentence every token after BOS. Position
// flags say which positions enter the per-position sums of the scores (special tokens such as BOS are left out by
// default, as activation pooling leaves them out).
using Unlearn.Methods.Text;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Saliency;

/// <param name="Ids">The token ids the model reads (BOS included).</param>
/// <param name="Targets">[Ids.Length] true where token p (p ≥ 1) is predicted by the objective; Targets[0] is false.</param>
/// <param name="Counted">[Ids.Length] true where position p enters the sums over positions of the scores.</param>
public sealed record ObjectiveSequence(int[] Ids, bool[] Targets, bool[] Counted)
{
    public int TargetCount => Targets.Count(t => t);

    public int CountedPositions => Counted.Count(c => c);

    /// <exception cref="SaliencyException">Lengths differ, a target at position 0, or no counted position.</exception>
    internal void Validate(int index, int vocabSize, int maxPositions)
    {
        if (Targets.Length != Ids.Length || Counted.Length != Ids.Length)
        {
            throw new SaliencyException($"Objective sequence {index}: {Ids.Length} ids but {Targets.Length} target flags and {Counted.Length} position flags; give one of each per token.");
        }
        if (Ids.Length > maxPositions)
        {
            throw new SaliencyException($"Objective sequence {index} has {Ids.Length} tokens; the model takes at most {maxPositions}. Truncate it.");
        }
        if (Targets.Length > 0 && Targets[0])
        {
            throw new SaliencyException($"Objective sequence {index}: token 0 has no prefix and cannot be a target.");
        }
        foreach (int id in Ids)
        {
            if ((uint)id >= (uint)vocabSize)
            {
                throw new SaliencyException($"Objective sequence {index}: token id {id} is outside the model's vocabulary of {vocabSize}.");
            }
        }
    }
}

public static class ObjectiveSequences
{
    /// <summary>
    /// Concept texts: the targets are the tokens whose source range overlaps a whole-word match of a concept form. A text
    /// whose forms were all cut off by <paramref name="maxTokens"/> gets no target (and is skipped by the measurement).
    /// </summary>
    public static ObjectiveSequence Concept(Tokenizer tokenizer, string text, TermMatcher forms, int maxTokens, bool countSpecial = false)
    {
        var encoded = Encode(tokenizer, text, maxTokens);
        var targets = new bool[encoded.Count];
        var matches = forms.Matches(text).ToArray();
        for (int p = 1; p < encoded.Count; p++)
        {
            var offset = encoded.Offsets[p];
            if (offset.Length == 0)
            {
                continue;
            }
            targets[p] = matches.Any(m => offset.Start < m.Index + m.Length && m.Index < offset.End);
        }
        return new ObjectiveSequence(encoded.Ids.ToArray(), targets, Counted(tokenizer, encoded.Ids, countSpecial));
    }

    /// <summary>Background texts: every token after the first is a target, except special tokens.</summary>
    public static ObjectiveSequence Background(Tokenizer tokenizer, string text, int maxTokens, bool countSpecial = false)
    {
        var encoded = Encode(tokenizer, text, maxTokens);
        var special = SpecialIds(tokenizer);
        var targets = new bool[encoded.Count];
        for (int p = 1; p < encoded.Count; p++)
        {
            targets[p] = !special.Contains(encoded.Ids[p]);
        }
        return new ObjectiveSequence(encoded.Ids.ToArray(), targets, Counted(tokenizer, encoded.Ids, countSpecial));
    }

    private static (IReadOnlyList<int> Ids, IReadOnlyList<TokenOffset> Offsets, int Count) Encode(Tokenizer tokenizer, string text, int maxTokens)
    {
        if (maxTokens < 2)
        {
            throw new SaliencyException($"Objective sequences need at least 2 tokens (max_length {maxTokens}).");
        }
        var encoded = tokenizer.EncodeWithOffsets(text);
        int count = Math.Min(encoded.Count, maxTokens);
        return (encoded.Ids.Take(count).ToArray(), encoded.Offsets.Take(count).ToArray(), count);
    }

    private static bool[] Counted(Tokenizer tokenizer, IReadOnlyList<int> ids, bool countSpecial)
    {
        var special = SpecialIds(tokenizer);
        return ids.Select(id => countSpecial || !special.Contains(id)).ToArray();
    }

    private static HashSet<int> SpecialIds(Tokenizer tokenizer) =>
        [.. tokenizer.SpecialIds, .. new[] { tokenizer.BosId, tokenizer.EosId, tokenizer.PadId }.OfType<int>()];
}
