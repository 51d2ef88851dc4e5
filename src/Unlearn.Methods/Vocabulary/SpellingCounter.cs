// Counts the distinct token sequences that decode exactly to a text: dynamic programming over the text's UTF-8
// bytes, ways[end] = Σ ways[start] · (tokens whose bytes are text[start..end)). Tokens with the same bytes
// (a piece and its byte-fallback spelling) count separately: the model can emit either. Counts saturate at
// long.MaxValue (terms are short; a saturated count is still "very many").
using System.Text;

namespace Unlearn.Methods.Vocabulary;

internal sealed class SpellingCounter
{
    // Byte strings are keyed as Latin-1 strings: one char per byte, so equal keys mean equal bytes.
    private readonly Dictionary<string, long> _tokensByBytes = new(StringComparer.Ordinal);

    /// <param name="tokenBytes">The bytes of every token allowed in a spelling.</param>
    public SpellingCounter(IEnumerable<byte[]> tokenBytes)
    {
        foreach (var bytes in tokenBytes)
        {
            if (bytes.Length == 0)
            {
                continue;
            }
            string key = Encoding.Latin1.GetString(bytes);
            _tokensByBytes[key] = _tokensByBytes.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>(sequences of exactly one token, sequences of two or more tokens) that spell <paramref name="text"/>.</summary>
    public (long Single, long Multi) Count(string text)
    {
        string bytes = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));
        int n = bytes.Length;
        var ways = new long[n + 1];
        ways[0] = 1;
        for (int start = 0; start < n; start++)
        {
            if (ways[start] == 0)
            {
                continue;
            }
            for (int end = start + 1; end <= n; end++)
            {
                if (_tokensByBytes.TryGetValue(bytes[start..end], out long tokens))
                {
                    ways[end] = SaturatingAdd(ways[end], SaturatingMultiply(ways[start], tokens));
                }
            }
        }
        long single = _tokensByBytes.GetValueOrDefault(bytes);
        return (single, ways[n] == long.MaxValue ? long.MaxValue : ways[n] - single);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long SaturatingMultiply(long a, long b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;
}
