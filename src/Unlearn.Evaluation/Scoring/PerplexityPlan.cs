// Sliding-window perplexity over held-out documents (Hugging Face's "perplexity of fixed-length models" method).
//
// The documents are encoded one by one (BOS first, as the model saw documents in training) and concatenated
// into one token stream. Windows of W tokens start every S tokens (W = window, S = stride); each window scores
// only the tokens the previous window did not (the last end − previousEnd of them), so every token but the
// stream's first is scored exactly once and, past the first window, with at least W − S tokens of context
// (with S = W the windows do not overlap and each window's first token goes unscored).
// Positions restart at 0 in every window. A BOS is context, never a prediction target: the BOS that opens a
// document is not scored (it is where the previous document's scoring stops; a model that learned to end stories
// with BOS would otherwise be rewarded or punished for guessing document boundaries the data does not define).
// Each scored token is charged to the document it belongs to, so the bootstrap can resample documents.
// Perplexity = exp(Σ NLL / Σ scored tokens).
using Unlearn.Tokenizers;

namespace Unlearn.Evaluation.Scoring;

public sealed class PerplexityPlan
{
    private PerplexityPlan(int[] stream, int[] documentOfToken, int documentCount, List<ScoringItem> windows, List<int> firstTargets, int window, int stride, bool[] counted)
    {
        Counted = counted;
        Stream = stream;
        DocumentOfToken = documentOfToken;
        DocumentCount = documentCount;
        Windows = windows;
        FirstTargets = firstTargets;
        Window = window;
        Stride = stride;
    }

    /// <summary>[tokenCount] every document's tokens, in order.</summary>
    public int[] Stream { get; }

    /// <summary>[tokenCount] the document each token belongs to.</summary>
    public int[] DocumentOfToken { get; }

    public int DocumentCount { get; }

    /// <summary>One scoring item per window; its rows predict exactly the tokens the window scores.</summary>
    public IReadOnlyList<ScoringItem> Windows { get; }

    /// <summary>Stream index of the first token each window scores.</summary>
    public IReadOnlyList<int> FirstTargets { get; }

    public int Window { get; }

    public int Stride { get; }

    /// <summary>[tokenCount] whether the token counts as a prediction target (false for every BOS).</summary>
    public bool[] Counted { get; }

    /// <summary>Tokens scored: the windows' targets that are not BOS (all but the stream's first when stride &lt; window).</summary>
    public int ScoredTokens
    {
        get
        {
            int count = 0;
            for (int w = 0; w < Windows.Count; w++)
            {
                for (int i = 0; i < Windows[w].RowCount; i++)
                {
                    count += Counted[FirstTargets[w] + i] ? 1 : 0;
                }
            }
            return count;
        }
    }

    /// <param name="what">Names the text in errors ("background documents").</param>
    public static PerplexityPlan Build(Tokenizer tokenizer, IReadOnlyList<string> documents, int window, int stride, int maxPositions, string what = "background documents")
    {
        window = Math.Min(window, maxPositions);
        stride = Math.Min(stride, window);
        var stream = new List<int>();
        var owner = new List<int>();
        for (int d = 0; d < documents.Count; d++)
        {
            var ids = tokenizer.Encode(documents[d]).ToList();
            if (tokenizer.BosId is int bos && (ids.Count == 0 || ids[0] != bos))
            {
                ids.Insert(0, bos);
            }
            stream.AddRange(ids);
            owner.AddRange(Enumerable.Repeat(d, ids.Count));
        }
        var tokens = stream.ToArray();
        var counted = tokens.Select(t => tokenizer.BosId is not int b || t != b).ToArray();
        if (stream.Count < 2 || counted.Skip(1).All(c => !c))
        {
            throw new EvaluationDataException(what, "no token to score (every document is empty or only BOS).");
        }
        var windows = new List<ScoringItem>();
        var firstTargets = new List<int>();
        int previousEnd = 0;
        for (int begin = 0; previousEnd < tokens.Length; begin += stride)
        {
            int end = Math.Min(begin + window, tokens.Length);
            // With stride = window a window's first token has no context inside it and goes unscored.
            int firstTarget = Math.Max(previousEnd, begin + 1);
            // Row r of the window predicts token begin + r + 1.
            windows.Add(new ScoringItem(tokens[begin..end], firstTarget - begin - 1, end - firstTarget));
            firstTargets.Add(firstTarget);
            previousEnd = end;
        }
        return new PerplexityPlan(tokens, owner.ToArray(), documents.Count, windows, firstTargets, window, stride, counted);
    }

    /// <summary>Per-document negative log-likelihood sums and token counts from the windows' scores.</summary>
    public DocumentLosses Collect(IReadOnlyList<RowScores> scores, double floor)
    {
        var nll = new double[DocumentCount];
        var count = new int[DocumentCount];
        int floored = 0;
        for (int w = 0; w < Windows.Count; w++)
        {
            var logProbs = scores[w].LogProbs;
            for (int i = 0; i < logProbs.Length; i++)
            {
                if (!Counted[FirstTargets[w] + i])
                {
                    continue;
                }
                int document = DocumentOfToken[FirstTargets[w] + i];
                double lp = logProbs[i];
                if (lp < floor)
                {
                    floored++;
                    lp = floor;
                }
                nll[document] -= lp;
                count[document]++;
            }
        }
        return new DocumentLosses(nll, count, floored);
    }
}

/// <summary>Σ NLL and scored-token count per document; FlooredTokens counts tokens clamped at the log-prob floor.</summary>
public sealed record DocumentLosses(double[] Nll, int[] Tokens, int FlooredTokens)
{
    public double Perplexity => Math.Exp(Nll.Sum() / Tokens.Sum());

    /// <summary>Perplexity over a multiset of documents (a bootstrap draw).</summary>
    public double PerplexityOf(ReadOnlySpan<int> documents)
    {
        double nll = 0;
        long tokens = 0;
        foreach (int d in documents)
        {
            nll += Nll[d];
            tokens += Tokens[d];
        }
        return Math.Exp(nll / tokens);
    }
}
