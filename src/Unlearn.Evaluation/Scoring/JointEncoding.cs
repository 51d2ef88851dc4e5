// Prompt → continuation pairs tokenised the way the model reads them: the joint text prompt + continuation is
// encoded once (BOS first, as the tokenizer's post-processor adds it, or prepended when it does not), and the
// continuation is every token that ends after the prompt's last character. Encoding the two separately (the
// SAE seed's way, seeds-spec C-2) splits " London" into "▁" + "▁London" and scores tokens the model never sees.
// A token straddling the boundary (prompt "…pl", continuation "ay") counts as continuation.
using Unlearn.Tokenizers;

namespace Unlearn.Evaluation.Scoring;

public sealed record EncodedPair(int[] Ids, int ContinuationStart)
{
    public int ContinuationCount => Ids.Length - ContinuationStart;

    /// <summary>The item that scores exactly the continuation tokens (rows ContinuationStart − 1 … Length − 2).</summary>
    public ScoringItem ToScoringItem() => new(Ids, ContinuationStart - 1, ContinuationCount);
}

public static class JointEncoding
{
    /// <exception cref="EvaluationDataException">empty prompt, or a continuation that adds no token</exception>
    public static EncodedPair Encode(Tokenizer tokenizer, string prompt, string continuation, string where)
    {
        if (prompt.Length == 0)
        {
            throw new EvaluationDataException(where, "the prompt is empty; a continuation is scored given a prompt.");
        }
        var encoded = tokenizer.EncodeWithOffsets(prompt + continuation, addSpecialTokens: true);
        var ids = new List<int>(encoded.Count + 1);
        int start = -1;
        for (int i = 0; i < encoded.Count; i++)
        {
            var offset = encoded.Offsets[i];
            bool inserted = offset.Start == 0 && offset.End == 0 && tokenizer.IsSpecial(encoded.Ids[i]);
            if (inserted && i > 0)
            {
                // A trailing EOS the post-processor adds is not part of the continuation the pair asks about.
                continue;
            }
            if (start < 0 && !inserted && offset.End > prompt.Length)
            {
                start = ids.Count;
            }
            ids.Add(encoded.Ids[i]);
        }
        if (tokenizer.BosId is int bos && (ids.Count == 0 || ids[0] != bos))
        {
            ids.Insert(0, bos);
            start = start < 0 ? -1 : start + 1;
        }
        if (start < 0)
        {
            throw new EvaluationDataException(where, $"the continuation '{continuation}' adds no token after the prompt; give it some text.");
        }
        if (start == 0)
        {
            throw new EvaluationDataException(where, "the continuation starts at the first token, so nothing predicts it; the tokenizer has no BOS to prepend.");
        }
        return new EncodedPair(ids.ToArray(), start);
    }
}
