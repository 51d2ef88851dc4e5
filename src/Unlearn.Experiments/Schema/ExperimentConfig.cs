// The root of an experiment file. Every key, default, range and doc string of the schema lives on
// these records (see SchemaAttributes.cs); the properties without [Key] are filled in by the loader.
namespace Unlearn.Experiments.Schema;

[Section("An experiment: one model, one concept to suppress, and the settings of every stage.")]
public sealed record ExperimentConfig
{
    [Key("name", Required = true, Doc = "Experiment name: letters, digits, '.', '_' and '-'. The view of its results is artifacts/<name>/.")]
    public string Name { get; init; } = "";

    [Key("description", Doc = "Free text for people; not part of any content key.")]
    public string? Description { get; init; }

    [Key("model", Required = true, PathKind = PathKind.Directory,
        Doc = "Hugging Face model folder (config.json, *.safetensors, tokenizer files), relative to this file.")]
    public ResolvedPath Model { get; init; } = new("", "");

    [Key("tokenizer", PathKind = PathKind.FileOrDirectory, DefaultText = "the model folder",
        Doc = "Tokenizer folder or file (tokenizer.json, tokenizer.model, ...), when it is not in the model folder.")]
    public ResolvedPath? Tokenizer { get; init; }

    [Key("chat_format", Doc = "Chat template used wherever prompts are rendered as conversations (examples, repair data and forget targets, evaluation prompts); each renders exactly as the named model family's template.")]
    public ChatFormat ChatFormat { get; init; } = ChatFormat.Auto;

    [Key("chat_date", Doc = "The 'Today Date' of llama3.1 system blocks, written as strftime '%d %b %Y' writes it. The default is the templates' own fallback; there is no 'today', so a render never changes by the day. Part of the content keys of BuildExamples, Repair and Evaluate only when chat_format is llama3.1 or auto.")]
    public string ChatDate { get; init; } = Unlearn.Tokenizers.Chat.ChatTemplate.DefaultDate;

    [Key("seed", Min = 0, Max = int.MaxValue, Doc = "Seed of every random choice (sampling, shuffles, splits, LoRA initialisation).")]
    public int Seed { get; init; }

    [Key("concept", Required = true, ReadBy = "BuildExamples,PruneVocab,Repair,Evaluate", Doc = "The concept to suppress.")]
    public ConceptConfig Concept { get; init; } = new();

    [Key("examples", ReadBy = "BuildExamples", Doc = "How concept and background examples are obtained.")]
    public ExamplesConfig Examples { get; init; } = new();

    [Key("activations", ReadBy = "CacheActivations", Doc = "Which activations are cached for every example.")]
    public ActivationsConfig Activations { get; init; } = new();

    [Key("saliency", ReadBy = "Saliency", Doc = "How concept-salient dimensions are scored and turned into row masks.")]
    public SaliencyConfig Saliency { get; init; } = new();

    [Key("edits", ReadBy = "Direction", Doc = "Weight edits beyond row masks and the vocabulary (direction removal).")]
    public EditsConfig Edits { get; init; } = new();

    [Key("sae", ReadBy = "TrainSae,Saliency,Evaluate", DefaultText = "none",
        Doc = "A TopK sparse autoencoder on one site's token activations; adds the TrainSae target (docs/sae.md).")]
    public SaeConfig? Sae { get; init; }

    [Key("vocab", ReadBy = "PruneVocab", Doc = "Vocabulary pruning: which tokens are masked.")]
    public VocabConfig Vocab { get; init; } = new();

    [Key("repair", ReadBy = "Repair", Doc = "Fine-tuning after pruning (LoRA).")]
    public RepairConfig Repair { get; init; } = new();

    [Key("evaluate", ReadBy = "Evaluate", Doc = "How every variant is scored.")]
    public EvaluateConfig Evaluate { get; init; } = new();

    [Key("expect", ReadBy = "Evaluate", Doc = "Bounds the Check target enforces: \"variant.metric\": {min: x, max: y}.")]
    public IReadOnlyDictionary<string, Expectation> Expect { get; init; } = new Dictionary<string, Expectation>();

    [Key("settings", Doc = "Settings that change numbers (part of every content key that depends on them).")]
    public SettingsConfig Settings { get; init; } = new();

    /// <summary>Absolute path of the YAML file this was loaded from.</summary>
    public string FilePath { get; init; } = "";

    /// <summary>Absolute path of the repository the experiment belongs to (paths may not leave it).</summary>
    public string RepositoryRoot { get; init; } = "";

    /// <summary>What the loader read from the model's config.json; null when the folder was not checked.</summary>
    public ModelSummary? ModelInfo { get; init; }

    /// <summary>The folder holding the tokenizer: <see cref="Tokenizer"/> or the model folder.</summary>
    public string TokenizerPath => Tokenizer?.FullPath ?? Model.FullPath;
}
