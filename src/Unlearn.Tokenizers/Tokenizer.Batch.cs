// Tokenizer, batch encoding on all cores. Each text is encoded independently, so the result is the same as
// encoding them one by one, in input order, whatever the thread count.
namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    /// <param name="maxDegreeOfParallelism">Threads to use; -1 (default) for all cores.</param>
    public IReadOnlyList<IReadOnlyList<int>> EncodeBatch(IReadOnlyList<string> texts, bool addSpecialTokens = true,
        bool parseSpecialTokens = true, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = new IReadOnlyList<int>[texts.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, texts.Count, options, i => results[i] = Encode(texts[i], addSpecialTokens, parseSpecialTokens));
        return results;
    }
}
