// Canonical Unicode normalization (NFC and NFD) with per-character alignment back to the input.
// Needed because the repository runs with InvariantGlobalization, where string.Normalize leaves non-ASCII text
// unchanged. Tables come from UnicodeNormalizationData.g.cs (Unicode 14, see its generator). Compatibility forms
// (NFKC/NFKD) are not implemented. Text must be free of lone surrogates.
namespace Unlearn.Tokenizers.Unicode;

internal static class UnicodeNormalization
{
    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    private const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    private static readonly Dictionary<int, (int First, int Second)> DecompositionMap = BuildDecompositions();
    private static readonly Dictionary<long, int> CompositionMap = BuildCompositions();
    private static readonly int[] CombiningRanges = UnicodeNormalizationData.CombiningClasses.ToArray();

    // Code points that can change under NFC (non-zero ccc, NFC_QC No or Maybe); a text without any is already NFC.
    private static readonly HashSet<int> NfcUnsafe = BuildNfcUnsafe();
    private static readonly bool[] NfcUnsafeBmp = BuildBmpFlags(NfcUnsafe);

    // Code points that can change under NFD (non-zero ccc, or decomposable).
    private static readonly HashSet<int> NfdUnsafe = BuildNfdUnsafe();
    private static readonly bool[] NfdUnsafeBmp = BuildBmpFlags(NfdUnsafe);

    public static string UnicodeVersion => UnicodeNormalizationData.UnicodeVersion;

    /// <summary>Normalizes <paramref name="text"/>. Returns null when it is already normalized; otherwise the result
    /// and, for each of its chars, the [start, end) range of input chars it came from.</summary>
    public static string? Normalize(ReadOnlySpan<char> text, bool compose, out int[] starts, out int[] ends)
    {
        starts = ends = [];
        var firstUnsafe = FindUnsafe(text, 0, compose);
        if (firstUnsafe < 0)
        {
            return null;
        }
        var output = new List<char>(text.Length + 16);
        var outStarts = new List<int>(text.Length + 16);
        var outEnds = new List<int>(text.Length + 16);
        var scratch = new List<Unit>();
        var copied = 0;
        var unsafeAt = firstUnsafe;
        while (unsafeAt >= 0)
        {
            // The region to renormalize starts one code point before the unsafe one (it may combine with it)
            // and runs until the next safe code point, which starts a new, independent segment.
            var regionStart = unsafeAt;
            if (regionStart > copied)
            {
                regionStart--;
                if (regionStart > copied && char.IsLowSurrogate(text[regionStart]))
                {
                    regionStart--;
                }
            }
            var regionEnd = unsafeAt;
            while (regionEnd < text.Length)
            {
                var cp = Utf16.CodePointAt(text, regionEnd, out var width);
                if (regionEnd > unsafeAt && !IsUnsafe(cp, compose))
                {
                    break;
                }
                regionEnd += width;
            }
            for (var i = copied; i < regionStart; i++)
            {
                output.Add(text[i]);
                outStarts.Add(i);
                outEnds.Add(i + 1);
            }
            NormalizeRegion(text, regionStart, regionEnd, compose, scratch, output, outStarts, outEnds);
            copied = regionEnd;
            unsafeAt = FindUnsafe(text, regionEnd, compose);
        }
        for (var i = copied; i < text.Length; i++)
        {
            output.Add(text[i]);
            outStarts.Add(i);
            outEnds.Add(i + 1);
        }
        if (text.SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output)))
        {
            return null; // only "maybe" characters, and they stayed as they were
        }
        starts = outStarts.ToArray();
        ends = outEnds.ToArray();
        return new string(output.ToArray());
    }

    private static int FindUnsafe(ReadOnlySpan<char> text, int from, bool compose)
    {
        // Everything below U+0300 is NFC- and NFD-stable except the decomposable Latin-1/Latin Extended letters,
        // which only matter for NFD; the vectorized scan skips plain ASCII/Latin runs quickly.
        var limit = compose ? '\u0300' : '\u00C0';
        for (var i = from; i < text.Length;)
        {
            var skip = text[i..].IndexOfAnyExceptInRange('\0', (char)(limit - 1));
            if (skip < 0)
            {
                return -1;
            }
            i += skip;
            var cp = Utf16.CodePointAt(text, i, out var width);
            if (IsUnsafe(cp, compose))
            {
                return i;
            }
            i += width;
        }
        return -1;
    }

    private static bool IsUnsafe(int cp, bool compose)
    {
        if (cp < 0x10000)
        {
            return compose ? NfcUnsafeBmp[cp] : NfdUnsafeBmp[cp];
        }
        return compose ? NfcUnsafe.Contains(cp) : NfdUnsafe.Contains(cp);
    }

    private struct Unit
    {
        public int CodePoint;
        public int Class;
        public int Start;
        public int End;
    }

    private static void NormalizeRegion(ReadOnlySpan<char> text, int start, int end, bool compose, List<Unit> units,
        List<char> output, List<int> outStarts, List<int> outEnds)
    {
        units.Clear();
        for (var i = start; i < end;)
        {
            var cp = Utf16.CodePointAt(text, i, out var width);
            Decompose(cp, i, i + width, units);
            i += width;
        }
        ReorderCanonically(units);
        var count = compose ? Compose(units) : units.Count;
        Span<char> pair = stackalloc char[2];
        for (var k = 0; k < count; k++)
        {
            var unit = units[k];
            var written = new System.Text.Rune(unit.CodePoint).EncodeToUtf16(pair);
            for (var j = 0; j < written; j++)
            {
                output.Add(pair[j]);
                outStarts.Add(unit.Start);
                outEnds.Add(unit.End);
            }
        }
    }

    private static void Decompose(int cp, int start, int end, List<Unit> units)
    {
        if (cp is >= HangulSBase and < HangulSBase + HangulSCount)
        {
            var sIndex = cp - HangulSBase;
            units.Add(new Unit { CodePoint = HangulLBase + sIndex / HangulNCount, Start = start, End = end });
            units.Add(new Unit { CodePoint = HangulVBase + sIndex % HangulNCount / HangulTCount, Start = start, End = end });
            var t = sIndex % HangulTCount;
            if (t != 0)
            {
                units.Add(new Unit { CodePoint = HangulTBase + t, Start = start, End = end });
            }
            return;
        }
        if (DecompositionMap.TryGetValue(cp, out var parts))
        {
            Decompose(parts.First, start, end, units);
            if (parts.Second != 0)
            {
                Decompose(parts.Second, start, end, units);
            }
            return;
        }
        units.Add(new Unit { CodePoint = cp, Class = CombiningClass(cp), Start = start, End = end });
    }

    private static void ReorderCanonically(List<Unit> units)
    {
        // Stable insertion sort of each run of non-starters by combining class (runs are short).
        for (var i = 1; i < units.Count; i++)
        {
            var current = units[i];
            if (current.Class == 0)
            {
                continue;
            }
            var j = i - 1;
            while (j >= 0 && units[j].Class > current.Class)
            {
                units[j + 1] = units[j];
                j--;
            }
            units[j + 1] = current;
        }
    }

    private static int Compose(List<Unit> units)
    {
        if (units.Count == 0)
        {
            return 0;
        }
        var starterPos = 0;
        var lastClass = units[0].Class == 0 ? 0 : 256;
        var kept = 1;
        for (var i = 1; i < units.Count; i++)
        {
            var unit = units[i];
            var composite = units[starterPos].Class == 0 ? ComposePair(units[starterPos].CodePoint, unit.CodePoint) : -1;
            if (composite >= 0 && (lastClass < unit.Class || lastClass == 0))
            {
                var starter = units[starterPos];
                starter.CodePoint = composite;
                starter.Start = Math.Min(starter.Start, unit.Start);
                starter.End = Math.Max(starter.End, unit.End);
                units[starterPos] = starter;
                continue;
            }
            if (unit.Class == 0)
            {
                starterPos = kept;
            }
            lastClass = unit.Class;
            units[kept++] = unit;
        }
        return kept;
    }

    private static int ComposePair(int first, int second)
    {
        if (first is >= HangulLBase and < HangulLBase + HangulLCount && second is >= HangulVBase and < HangulVBase + HangulVCount)
        {
            return HangulSBase + ((first - HangulLBase) * HangulVCount + (second - HangulVBase)) * HangulTCount;
        }
        if (first is >= HangulSBase and < HangulSBase + HangulSCount && (first - HangulSBase) % HangulTCount == 0
            && second is > HangulTBase and < HangulTBase + HangulTCount)
        {
            return first + (second - HangulTBase);
        }
        return CompositionMap.TryGetValue(((long)first << 21) | (uint)second, out var composite) ? composite : -1;
    }

    public static int CombiningClass(int cp)
    {
        var ranges = CombiningRanges;
        int lo = 0, hi = ranges.Length / 3 - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            if (cp < ranges[mid * 3])
            {
                hi = mid - 1;
            }
            else if (cp > ranges[mid * 3 + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return ranges[mid * 3 + 2];
            }
        }
        return 0;
    }

    private static Dictionary<int, (int, int)> BuildDecompositions()
    {
        var data = UnicodeNormalizationData.Decompositions;
        var map = new Dictionary<int, (int, int)>(data.Length / 3);
        for (var i = 0; i < data.Length; i += 3)
        {
            map[data[i]] = (data[i + 1], data[i + 2]);
        }
        return map;
    }

    private static Dictionary<long, int> BuildCompositions()
    {
        var map = new Dictionary<long, int>();
        foreach (var composite in UnicodeNormalizationData.Composites)
        {
            var (first, second) = DecompositionMap[composite];
            map[((long)first << 21) | (uint)second] = composite;
        }
        return map;
    }

    private static HashSet<int> BuildNfcUnsafe()
    {
        var set = new HashSet<int>();
        AddNonZeroClasses(set);
        var composites = new HashSet<int>(UnicodeNormalizationData.Composites.ToArray());
        foreach (var (cp, parts) in DecompositionMap)
        {
            if (!composites.Contains(cp))
            {
                set.Add(cp); // NFC_QC=No: singletons and composition exclusions never survive NFC
            }
            else
            {
                set.Add(parts.Second); // NFC_QC=Maybe: may combine with what precedes it
            }
        }
        for (var v = HangulVBase; v < HangulVBase + HangulVCount; v++)
        {
            set.Add(v);
        }
        for (var t = HangulTBase + 1; t < HangulTBase + HangulTCount; t++)
        {
            set.Add(t);
        }
        return set;
    }

    private static HashSet<int> BuildNfdUnsafe()
    {
        var set = new HashSet<int>(DecompositionMap.Keys);
        AddNonZeroClasses(set);
        for (var s = HangulSBase; s < HangulSBase + HangulSCount; s++)
        {
            set.Add(s);
        }
        return set;
    }

    private static void AddNonZeroClasses(HashSet<int> set)
    {
        var ranges = UnicodeNormalizationData.CombiningClasses;
        for (var i = 0; i < ranges.Length; i += 3)
        {
            for (var cp = ranges[i]; cp <= ranges[i + 1]; cp++)
            {
                set.Add(cp);
            }
        }
    }

    private static bool[] BuildBmpFlags(HashSet<int> set)
    {
        var flags = new bool[0x10000];
        foreach (var cp in set)
        {
            if (cp < 0x10000)
            {
                flags[cp] = true;
            }
        }
        return flags;
    }
}
