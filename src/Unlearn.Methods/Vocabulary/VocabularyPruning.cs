// The PruneVocab algorithm. Token set: every non-special vocabulary entry whose decoded text (its bytes as UTF-8;
// a token that is not complete UTF-8 on its own never matches), stripped of one leading-space marker (▁, Ġ or a
// space) and lower-cased, equals a listed term (match: word) or contains one (match: substring); plus each term's
// encoding with and without a leading space, lower-case and capitalised, when that encoding is one token (a
// multi-token encoding is reported, not added: its pieces spell other words too). Special tokens (BOS, EOS, pad,
// unk, added specials) are never included. Edits: −∞ logits and zeroed embedding rows for those ids. Also
// counts, for every term in lower/Capitalised/UPPER case with and without a leading space, the single- and
// multi-token spellings that remain possible. Writes tokens.json and vocab-edits.json.
using System.Text;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Vocabulary;

public static class VocabularyPruning
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="modelVocabSize">The model's vocabulary (embedding rows); the tokenizer may not have more ids than this.</param>
    /// <exception cref="ArgumentException">No terms, or a tokenizer larger than the model's vocabulary.</exception>
    public static VocabularyResult Run(Tokenizer tokenizer, int modelVocabSize, VocabularyOptions options, string outputFolder)
    {
        var result = Compute(tokenizer, modelVocabSize, options);
        VocabularyArtefacts.Write(result, tokenizer, outputFolder);
        return result;
    }

    /// <summary>Computes the token set and the report without writing files.</summary>
    public static VocabularyResult Compute(Tokenizer tokenizer, int modelVocabSize, VocabularyOptions options)
    {
        string[] terms = options.NormalizedTerms();
        int vocabSize = tokenizer.VocabSize;
        if (vocabSize > modelVocabSize)
        {
            throw new ArgumentException($"The tokenizer has {vocabSize} ids but the model only {modelVocabSize} embedding rows; they do not belong together.");
        }
        var special = SpecialIds(tokenizer);
        var termSet = terms.ToHashSet(StringComparer.Ordinal);
        var pruned = new SortedDictionary<int, PrunedToken>();
        var bytesById = new byte[vocabSize][];
        int incomplete = 0;
        for (int id = 0; id < vocabSize; id++)
        {
            if (special.Contains(id) || tokenizer.IdToToken(id) is not { } token)
            {
                continue;
            }
            bytesById[id] = tokenizer.TokenBytes(id);
            if (!TryDecode(bytesById[id], out string text))
            {
                incomplete++;
                continue;
            }
            string word = StripSpaceMarker(text).ToLowerInvariant();
            string? term = options.Match == VocabularyMatch.Word
                ? (termSet.Contains(word) ? word : null)
                : terms.FirstOrDefault(t => word.Contains(t, StringComparison.Ordinal));
            if (term is not null)
            {
                var reason = options.Match == VocabularyMatch.Word ? PruneReason.Word : PruneReason.Substring;
                pruned[id] = new PrunedToken(id, token, text, term, reason, []);
            }
        }

        var encodings = new List<TermEncoding>();
        foreach (string term in terms)
        {
            foreach (string variant in new[] { term, " " + term, Capitalise(term), " " + Capitalise(term) }.Distinct(StringComparer.Ordinal))
            {
                var ids = tokenizer.Encode(variant, addSpecialTokens: false, parseSpecialTokens: false).ToArray();
                bool single = ids.Length == 1 && !special.Contains(ids[0]) && ids[0] < vocabSize;
                if (single && options.IncludeEncodings)
                {
                    int id = ids[0];
                    pruned[id] = pruned.TryGetValue(id, out var existing)
                        ? existing with { Encodings = [.. existing.Encodings, variant] }
                        : new PrunedToken(id, tokenizer.IdToToken(id) ?? "", DecodeLenient(tokenizer.TokenBytes(id)), term, PruneReason.Encoding, [variant]);
                }
                encodings.Add(new TermEncoding(term, variant, ids, single && options.IncludeEncodings));
            }
        }

        var before = new SpellingCounter(Enumerable.Range(0, vocabSize).Where(id => bytesById[id] is not null).Select(id => bytesById[id]));
        var remaining = new SpellingCounter(Enumerable.Range(0, vocabSize).Where(id => bytesById[id] is not null && !pruned.ContainsKey(id)).Select(id => bytesById[id]));
        var spellings = new List<SpellingCount>();
        foreach (string term in terms)
        {
            foreach (string cased in new[] { term, Capitalise(term), term.ToUpperInvariant() }.Distinct(StringComparer.Ordinal))
            {
                foreach (string variant in new[] { cased, " " + cased })
                {
                    var (singleBefore, multiBefore) = before.Count(variant);
                    var (singleLeft, multiLeft) = remaining.Count(variant);
                    spellings.Add(new SpellingCount(term, variant, singleBefore, multiBefore, singleLeft, multiLeft));
                }
            }
        }
        return new VocabularyResult(options, vocabSize, special.Order().ToArray(), incomplete, pruned.Values.ToArray(), encodings, spellings);
    }

    /// <summary>BOS, EOS, pad, unk and every added token flagged special.</summary>
    public static HashSet<int> SpecialIds(Tokenizer tokenizer)
    {
        var ids = new HashSet<int>(tokenizer.SpecialIds);
        foreach (var id in new[] { tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId })
        {
            if (id is int value)
            {
                ids.Add(value);
            }
        }
        return ids;
    }

    /// <summary>Removes one leading-space marker: '▁' (SentencePiece), 'Ġ' (byte-level BPE) or a plain space.</summary>
    public static string StripSpaceMarker(string text) =>
        text.Length > 0 && text[0] is ' ' or '▁' or 'Ġ' ? text[1..] : text;

    private static string Capitalise(string term) => term.Length == 0 ? term : char.ToUpperInvariant(term[0]) + term[1..];

    private static bool TryDecode(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static string DecodeLenient(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
