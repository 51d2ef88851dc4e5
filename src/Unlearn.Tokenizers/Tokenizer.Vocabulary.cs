// Tokenizer, vocabulary view: the whole vocabulary with kinds, merges and the pre-tokenizer family, for writers of
// other tokenizer formats (the GGUF exporter). Nothing here encodes or decodes.
using System.Text.RegularExpressions;
using Unlearn.Tokenizers.PreTokenizers;
using Unlearn.Tokenizers.PreTokenizers.Patterns;

namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    /// <param name="size">How many ids to describe: the model's vocab_size, which may exceed the tokenizer's (padded
    /// ids are Unused); null for <see cref="VocabSize"/>.</param>
    public TokenizerVocabulary DescribeVocabulary(int? size = null)
    {
        int count = size ?? VocabSize;
        if (count < VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"The tokenizer has {VocabSize} ids; a vocabulary of {count} would drop some.");
        }
        var tokens = new string?[count];
        var kinds = new TokenKind[count];
        var ranks = new int[count];
        Array.Fill(ranks, -1);
        for (int id = 0; id < count; id++)
        {
            if (_added.TryGet(id, out var added))
            {
                tokens[id] = added.Content;
                kinds[id] = id == UnkId ? TokenKind.Unknown : added.Special ? TokenKind.Control : TokenKind.UserDefined;
                continue;
            }
            var token = _model.IdToToken(id);
            tokens[id] = token;
            kinds[id] = token is null ? TokenKind.Unused
                : id == UnkId || id == _model.UnknownId ? TokenKind.Unknown
                : !_model.ByteLevel && ByteFallbackPiece().IsMatch(token) ? TokenKind.Byte
                : TokenKind.Normal;
        }
        var merges = new (string, string)[_model.Merges.Count];
        for (int rank = 0; rank < merges.Length; rank++)
        {
            var (left, right, merged) = _model.Merges[rank];
            merges[rank] = (_model.IdToToken(left)!, _model.IdToToken(right)!);
            if ((uint)merged < (uint)count && ranks[merged] < 0)
            {
                ranks[merged] = rank;
            }
        }
        return new TokenizerVocabulary(tokens, kinds, merges, ranks, _model.ByteLevel, _model.ByteFallback, _model.IgnoreMerges, FamilyOf(_preTokenizer));
    }

    private static PreTokenizerFamily FamilyOf(PreTokenizer? preTokenizer)
    {
        switch (preTokenizer)
        {
            case null:
            case MetaspacePreTokenizer:
                return PreTokenizerFamily.SentencePiece;
            case ByteLevelPreTokenizer byteLevel:
                return byteLevel.UseRegex ? PreTokenizerFamily.Gpt2 : PreTokenizerFamily.Other;
            case SplitPreTokenizer { Pattern: Llama3Pattern pattern }:
                return pattern.MaxDigits == 3 ? PreTokenizerFamily.Llama3 : pattern.MaxDigits == 1 ? PreTokenizerFamily.Qwen2 : PreTokenizerFamily.Other;
            case SplitPreTokenizer { Pattern: Gpt2Pattern }:
                return PreTokenizerFamily.Gpt2;
            case SequencePreTokenizer sequence:
                // Llama 3 and Qwen2: Split(regex) then ByteLevel(use_regex: false); the split decides the family.
                var splits = sequence.Steps.Where(s => s is not ByteLevelPreTokenizer { UseRegex: false }).Select(FamilyOf).Distinct().ToList();
                return splits.Count == 1 ? splits[0] : PreTokenizerFamily.Other;
            default:
                return PreTokenizerFamily.Other;
        }
    }

    [GeneratedRegex("^<0x[0-9A-F]{2}>$")]
    private static partial Regex ByteFallbackPiece();
}
