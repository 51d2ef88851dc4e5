// Where concept and background examples come from (exactly one source) and how they are filtered,
// balanced and split.
namespace Unlearn.Experiments.Schema;

[Section("Examples: one source (supplied, corpus or generate) plus filtering and balancing.")]
public sealed record ExamplesConfig
{
    [Key("supplied", PathKind = PathKind.File,
        Doc = "Seed-format JSON {\"concept_examples\": [...], \"background_examples\": [...]}, used as is after validation.")]
    public ResolvedPath? Supplied { get; init; }

    [Key("corpus", PathKind = PathKind.File,
        Doc = "Text or JSONL files split into sentences; a sentence matching a term is a concept example, others background.")]
    public IReadOnlyList<ResolvedPath> Corpus { get; init; } = [];

    [Key("generate", DefaultText = "used when neither supplied nor corpus is given",
        Doc = "Sample texts from the model itself, then split and classify them as for a corpus.")]
    public GenerateConfig? Generate { get; init; }

    [Key("concept_count", Min = 1, Unit = "examples", Doc = "Concept examples to keep (at most; fewer available is a warning).")]
    public int ConceptCount { get; init; } = 1000;

    [Key("background_count", Min = 1, Unit = "examples", Doc = "Background examples to keep (at most).")]
    public int BackgroundCount { get; init; } = 1000;

    [Key("min_words", Min = 1, Unit = "words", Doc = "Shorter examples are dropped.")]
    public int MinWords { get; init; } = 3;

    [Key("max_words", Min = 1, Unit = "words", Doc = "Longer examples are dropped.")]
    public int MaxWords { get; init; } = 64;

    [Key("held_out", Min = 0, Max = 0.9, Unit = "fraction", Doc = "Share of each class reserved for evaluation (perplexity text, probes).")]
    public double HeldOut { get; init; } = 0.1;

    [Key("dedupe", Doc = "Drop exact duplicates (after whitespace normalisation).")]
    public bool Dedupe { get; init; } = true;
}

[Section("Generation settings for examples sampled from the model.")]
public sealed record GenerateConfig
{
    [Key("prompts", DefaultText = "the concept's test prompts", Doc = "Prompts the samples continue; used round-robin.")]
    public IReadOnlyList<string> Prompts { get; init; } = [];

    [Key("count", Min = 1, Unit = "samples", Doc = "Number of samples drawn in total.")]
    public int Count { get; init; } = 256;

    [Key("max_tokens", Min = 1, Unit = "tokens", Doc = "New tokens per sample.")]
    public int MaxTokens { get; init; } = 128;

    [Key("temperature", Min = 0, Doc = "Sampling temperature; 0 is greedy.")]
    public double Temperature { get; init; } = 1.0;

    [Key("top_k", Min = 0, Doc = "Keep the k most likely tokens; 0 disables.")]
    public int TopK { get; init; }

    [Key("top_p", Min = 0, MinExclusive = true, Max = 1, Doc = "Nucleus sampling mass; 1 disables.")]
    public double TopP { get; init; } = 1.0;

    [Key("repetition_penalty", Min = 0, MinExclusive = true, Doc = "Penalty on repeated tokens; 1 disables.")]
    public double RepetitionPenalty { get; init; } = 1.0;

    [Key("use_chat_format", Doc = "Render prompts with the chat template (for instruction-tuned models).")]
    public bool UseChatFormat { get; init; }

    [Key("batch_size", Min = 1, Unit = "sequences", Doc = "Sequences generated together.")]
    public int BatchSize { get; init; } = 8;
}
