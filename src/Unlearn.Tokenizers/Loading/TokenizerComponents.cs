// The parts a tokenizer file describes, before tokenizer_config.json is applied. Every format reader returns one.
using Unlearn.Tokenizers.Decoders;
using Unlearn.Tokenizers.Models;
using Unlearn.Tokenizers.Normalizers;
using Unlearn.Tokenizers.PostProcessors;
using Unlearn.Tokenizers.PreTokenizers;

namespace Unlearn.Tokenizers.Loading;

internal sealed class TokenizerComponents
{
    public required string SourcePath { get; init; }

    public required TokenizerFileFormat Format { get; init; }

    public required BpeModel Model { get; init; }

    public required IReadOnlyList<AddedToken> AddedTokens { get; set; }

    public Normalizer? Normalizer { get; init; }

    public PreTokenizer? PreTokenizer { get; init; }

    public PostProcessor? PostProcessor { get; set; }

    public Decoder? Decoder { get; init; }

    /// <summary>Special token ids the file itself declares (SentencePiece/llama2.c/tiktoken know theirs).</summary>
    public int? BosId { get; init; }

    public int? EosId { get; init; }

    public int? UnknownId { get; init; }

    public int? PadId { get; init; }
}
