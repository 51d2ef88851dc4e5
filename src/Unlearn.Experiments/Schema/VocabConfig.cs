// Vocabulary pruning (METHODS.md "PruneVocab").
namespace Unlearn.Experiments.Schema;

[Section("Vocabulary pruning: which tokens are masked and how.")]
public sealed record VocabConfig
{
    [Key("enabled", Doc = "Run vocabulary pruning (when false, the hybrid variant equals the concept variant).")]
    public bool Enabled { get; init; } = true;

    [Key("match", Doc = "How a vocabulary entry matches a term.")]
    public VocabMatch Match { get; init; } = VocabMatch.Word;

    [Key("include_encodings", Doc = "Also mask each term's own encoding (with and without a leading space, lower-case and capitalised) when it is a single token.")]
    public bool IncludeEncodings { get; init; } = true;

    [Key("zero_embeddings", Doc = "Zero the input-embedding rows of the masked tokens (the shared row when embeddings are tied).")]
    public bool ZeroEmbeddings { get; init; } = true;

    [Key("logit_mask", Doc = "Value given to the masked tokens' logits.")]
    public LogitMask LogitMask { get; init; } = LogitMask.NegativeInfinity;
}
