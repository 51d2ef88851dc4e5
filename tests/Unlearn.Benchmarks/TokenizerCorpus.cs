// The tokenizer benchmark's text: >= 1 MB of mixed-language documents built deterministically from
// TokenizerCorpusSeed.txt (original text written for this repository: English, German, French, Spanish,
// Portuguese, Italian, Russian, Chinese, Japanese, Korean, Arabic, Hindi, Vietnamese, code, a table with numbers,
// URLs and emoji). Recipe, with a fixed SplitMix64 seed: pick a language (English about 45%), take 3-12 of its
// sentences at random, and perturb about 15% of them with a number or a made-up rare word (so the byte-pair merge
// loop and its cache are exercised, not only whole-word hits); repeat until the target size is reached.
// Same seed, same bytes, on every machine.
using System.Text;

namespace Unlearn.Benchmarks;

public static class TokenizerCorpus
{
    public const ulong DefaultSeed = 20240726;

    private static readonly (string Language, double Weight)[] Weights =
    [
        ("en", 45), ("de", 4), ("fr", 4), ("es", 4), ("pt", 4), ("it", 4), ("ru", 8), ("zh", 8), ("ja", 4), ("ko", 4),
        ("ar", 3), ("hi", 3), ("vi", 3), ("code", 5), ("misc", 2),
    ];

    private static readonly string[] LatinSyllables = ["ka", "lo", "mir", "ven", "tha", "zor", "el", "qui", "dra", "nus", "pel", "ost", "ri", "gan"];
    private static readonly string[] CyrillicSyllables = ["ка", "ло", "мир", "вен", "зор", "ель", "дра", "нус", "пел", "ост", "ри", "ган"];

    /// <summary>Documents whose UTF-8 size adds up to at least <paramref name="targetBytes"/>.</summary>
    public static IReadOnlyList<string> Build(string seedTextPath, int targetBytes = 1_200_000, ulong seed = DefaultSeed)
    {
        var pools = ParseSeed(File.ReadAllText(seedTextPath, Encoding.UTF8));
        var cjkChars = pools.Where(p => p.Key is "zh" or "ja").SelectMany(p => p.Value).SelectMany(s => s)
            .Where(c => c >= 0x3040).Distinct().Order().ToArray();
        var random = new SplitMix64(seed);
        var documents = new List<string>();
        var total = 0;
        var weightSum = Weights.Sum(w => w.Weight);
        while (total < targetBytes)
        {
            var pick = random.NextDouble() * weightSum;
            var language = Weights[^1].Language;
            foreach (var (name, weight) in Weights)
            {
                if ((pick -= weight) < 0)
                {
                    language = name;
                    break;
                }
            }
            var pool = pools[language];
            var count = language is "code" or "misc" ? 1 : 3 + random.Next(10);
            var separator = language is "zh" or "ja" ? "" : language is "code" or "misc" ? "\n" : " ";
            var sentences = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var sentence = pool[random.Next(pool.Count)];
                if (random.NextDouble() < 0.15)
                {
                    sentence = Perturb(sentence, language, random, cjkChars);
                }
                sentences.Add(sentence);
            }
            var document = string.Join(separator, sentences);
            documents.Add(document);
            total += Encoding.UTF8.GetByteCount(document);
        }
        return documents;
    }

    public static long Utf8Bytes(IEnumerable<string> documents) => documents.Sum(d => (long)Encoding.UTF8.GetByteCount(d));

    private static Dictionary<string, List<string>> ParseSeed(string text)
    {
        var pools = new Dictionary<string, List<string>>();
        string? language = null;
        var block = new StringBuilder();
        void Flush()
        {
            if (language is null || block.Length == 0)
            {
                return;
            }
            var content = block.ToString().TrimEnd('\n');
            block.Clear();
            if (!pools.TryGetValue(language, out var pool))
            {
                pools[language] = pool = [];
            }
            if (language is "code" or "misc")
            {
                pool.Add(content);
                return;
            }
            pool.AddRange(SplitSentences(content));
        }
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                language = line[3..].Trim();
                continue;
            }
            block.Append(line).Append('\n');
        }
        Flush();
        return pools;
    }

    private static IEnumerable<string> SplitSentences(string paragraph)
    {
        var start = 0;
        for (var i = 0; i < paragraph.Length; i++)
        {
            var c = paragraph[i];
            var fullWidth = c is '。' or '！' or '？';
            if ((c is '.' or '!' or '?' && (i + 1 == paragraph.Length || paragraph[i + 1] == ' ')) || fullWidth)
            {
                yield return paragraph[start..(i + 1)].Trim();
                start = i + 1;
            }
        }
        if (start < paragraph.Length && paragraph[start..].Trim().Length > 0)
        {
            yield return paragraph[start..].Trim();
        }
    }

    private static string Perturb(string sentence, string language, SplitMix64 random, char[] cjkChars)
    {
        var insertion = random.Next(3) switch
        {
            0 => random.Next(100_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => $"{random.Next(100)}.{random.Next(100):D2}%",
            _ => RareWord(language, random, cjkChars),
        };
        if (language is "zh" or "ja")
        {
            var at = random.Next(sentence.Length);
            return sentence[..at] + insertion + sentence[at..];
        }
        var spaces = sentence.Select((c, i) => (c, i)).Where(x => x.c == ' ').Select(x => x.i).ToArray();
        var position = spaces.Length == 0 ? sentence.Length : spaces[random.Next(spaces.Length)];
        return sentence[..position] + " " + insertion + sentence[position..];
    }

    private static string RareWord(string language, SplitMix64 random, char[] cjkChars)
    {
        if (language is "zh" or "ja")
        {
            return new string([cjkChars[random.Next(cjkChars.Length)], cjkChars[random.Next(cjkChars.Length)]]);
        }
        var syllables = language == "ru" ? CyrillicSyllables : LatinSyllables;
        var word = new StringBuilder();
        for (var i = 0; i < 2 + random.Next(3); i++)
        {
            word.Append(syllables[random.Next(syllables.Length)]);
        }
        word[0] = char.ToUpperInvariant(word[0]);
        return word.ToString();
    }

    /// <summary>SplitMix64: a tiny generator with a fixed algorithm, so the corpus never depends on the runtime's Random.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int Next(int exclusiveMax) => (int)(NextUInt64() % (ulong)exclusiveMax);

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
    }
}
