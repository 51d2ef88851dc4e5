// The text the ML.Tokenizers oracle comparison encodes: the benchmark's >= 1 MB mixed-language corpus (built at test
// time from tests/Unlearn.Benchmarks/TokenizerCorpusSeed.txt by TokenizerCorpus, linked into this project) and
// "soup" documents: seeded random runs over an alphabet chosen to hit the pre-tokenizer's edges (whitespace runs
// before words, CR/LF mixes, no-break and ideographic spaces, digit runs of every length, contractions in both cases,
// punctuation runs, emoji with modifiers and ZWJ, scripts without spaces). Every character is NFC-stable in any order
// (no combining marks, no conjoining jamo), because ML.Tokenizers cannot apply Qwen2's NFC normalizer under invariant
// globalization; the seed text is NFC too (unicodedata.is_normalized). Letters and digits outside the BMP are left
// out: .NET's Regex sees their surrogate halves, not a letter, so the oracle is wrong there (OracleTests checks them
// against tests/reference/bpe_reference.py instead).
using System.Text;
using Unlearn.Benchmarks;

namespace Unlearn.Tokenizers.Tests;

internal static class OracleCorpus
{
    private static readonly string[] Pieces =
    [
        " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n", "\u00a0", "\u3000", "\u2003",
        "a", "the", "The", "word", "Tokenizer", "x", "QUICK", "café", "Ærøskøbing", "straße", "Łódź",
        "'s", "'S", "'ll", "'LL", "'ve", "'re", "n't", "'d", "'M", "’s",
        "0", "7", "42", "123", "2024", "31415", "1234567", "٣٤", "３４", "½", "Ⅻ",
        ".", ",", "!", "?", "...", "—", "-", "--", "(", ")", "[]", "{}", "<", ">", "/", "\\", "#", "@", "$", "%", "&&", "*",
        "\"", "«", "»", "“", "”", "→", "∑", "€",
        "Привет", "мир", "Ёлка", "Ωμέγα", "שלום", "مرحبا", "عربي", "中文", "字", "漢字テキスト", "ひらがな", "カタカナ", "한국어", "문장",
        "ไทย", "ภาษา", "ᚠᚢᚦ", "😀", "👍🏽", "👩‍💻", "🇩🇪", "🙂", "\u200d", "\u200b", "\ufeff",
        "http://example.com/a?b=1", "snake_case", "camelCase", "x+=1;", "0x1F", "C++", "a.b.c",
    ];

    /// <summary>The mixed-language corpus (>= <paramref name="targetBytes"/> UTF-8 bytes) followed by the soup.</summary>
    public static IReadOnlyList<string> Build(int targetBytes = 1_200_000, int soupDocuments = 2_000)
    {
        var seed = Path.Combine(AppContext.BaseDirectory, "Data", "corpus", "TokenizerCorpusSeed.txt");
        var documents = new List<string>(TokenizerCorpus.Build(seed, targetBytes));
        documents.AddRange(Soup(soupDocuments, 20260726));
        return documents;
    }

    /// <summary>Documents of 1 to 80 random pieces, from a fixed generator (same seed, same text everywhere).</summary>
    public static IEnumerable<string> Soup(int count, ulong seed)
    {
        var state = seed;
        ulong Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Clear();
            var length = 1 + (int)(Next() % 80);
            for (var j = 0; j < length; j++)
            {
                builder.Append(Pieces[Next() % (ulong)Pieces.Length]);
            }
            yield return builder.ToString();
        }
    }
}
