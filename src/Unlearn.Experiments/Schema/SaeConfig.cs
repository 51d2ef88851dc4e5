// The sae: block (docs/sae.md): a TopK sparse autoencoder trained on the token-level activations CacheActivations
// keeps (activations.pooling: tokens) at one site of one layer. The block's own keys are TrainSae's inputs and its
// content key; the discovery and ablation sub-blocks are read by Saliency (method sae) and by Evaluate, and are left
// out of TrainSae's key, so changing them never retrains the SAE. Defaults follow the prototype (seeds-spec §C.3),
// Gao et al. 2024 / OpenAI's reference trainer and sparsify, as SaeTrainingSettings documents.
namespace Unlearn.Experiments.Schema;

[Section("A TopK sparse autoencoder at one site (TrainSae), its feature discovery (Saliency, method sae) and its ablation.")]
public sealed record SaeConfig
{
    [Key("layer", Required = true, Doc = "Layer whose activation the SAE reads (negative counts from the end); it must be one of activations.layers.")]
    public int Layer { get; init; }

    [Key("site", Doc = "Hook site the SAE reads; it must be one of activations.sites.")]
    public HookSite Site { get; init; } = HookSite.Residual;

    [Key("pretrained", PathKind = PathKind.Directory, DefaultText = "none (train one)",
        Doc = "An SAE folder written by SAELens (cfg.json + sae_weights.safetensors) or sparsify (cfg.json + sae.safetensors) to use instead of training; it must read this site with this width.")]
    public ResolvedPath? Pretrained { get; init; }

    [Key("expansion", Min = 1, Unit = "× input width", Doc = "d_sae = expansion × the site's width, unless d_sae is given.")]
    public int Expansion { get; init; } = 8;

    [Key("d_sae", Min = 1, Unit = "latents", DefaultText = "expansion × width", Doc = "Number of latents; overrides expansion.")]
    public int? DSae { get; init; }

    [Key("k", Min = 1, Unit = "latents per token", Doc = "TopK: latents kept per token.")]
    public int K { get; init; } = 32;

    [Key("k_aux", Min = 1, Unit = "latents", DefaultText = "width / 2", Doc = "AuxK: dead latents that reconstruct the residual (Gao et al. appendix B.1: half the width).")]
    public int? KAux { get; init; }

    [Key("aux_coefficient", Min = 0, Doc = "Weight α of the AuxK loss (Gao et al. and the prototype: 1/32); 0 turns it off.")]
    public double AuxCoefficient { get; init; } = 1.0 / 32;

    [Key("dead_tokens", Min = 1, Unit = "tokens", Doc = "A latent is dead (an AuxK candidate) after not firing for more than this many training tokens.")]
    public long DeadTokens { get; init; } = 10_000_000;

    [Key("batch_size", Min = 1, Unit = "tokens", Doc = "Tokens per optimiser step.")]
    public int BatchSize { get; init; } = 4096;

    [Key("training_tokens", Min = 1, Unit = "tokens", Doc = "Tokens to train on, over as many shuffled epochs of the cached tokens as that takes.")]
    public long TrainingTokens { get; init; } = 10_000_000;

    [Key("learning_rate", Min = 0, MinExclusive = true, Doc = "Adam learning rate (constant after the warm-up).")]
    public double LearningRate { get; init; } = 1e-4;

    [Key("warmup_steps", Min = 0, Unit = "steps", Doc = "Linear learning-rate warm-up.")]
    public int WarmupSteps { get; init; }

    [Key("max_grad_norm", Min = 0, Doc = "Global gradient-norm clip after the decoder projection; 0 disables.")]
    public double MaxGradNorm { get; init; } = 1.0;

    [Key("b_dec_init", Doc = "How the decoder bias starts.")]
    public SaeBiasInit BiasInit { get; init; } = SaeBiasInit.GeometricMedian;

    [Key("b_dec_samples", Min = 1, Unit = "tokens", Doc = "Tokens of the first shuffled epoch used to initialise b_dec.")]
    public int BiasSamples { get; init; } = 32768;

    [Key("max_skipped_steps", Min = 0, Unit = "steps", Doc = "Steps with a non-finite loss or gradient are skipped; more than this many stop the stage.")]
    public int MaxSkippedSteps { get; init; } = 10;

    [Key("checkpoint_every", Min = 0, Unit = "steps", Doc = "Steps between resumable checkpoints (0: none).")]
    public int CheckpointEvery { get; init; } = 500;

    [Key("discovery", Doc = "Feature discovery (Saliency, method sae); not part of TrainSae's key.")]
    public SaeDiscoveryConfig Discovery { get; init; } = new();

    [Key("ablation", Doc = "The ablation edit (used by Evaluate's sae-ablated variant); not part of TrainSae's key.")]
    public SaeAblationConfig Ablation { get; init; } = new();

    /// <summary>The layer as an absolute index, once checked against the model; null before.</summary>
    public int? ResolvedLayer { get; init; }
}

[Section("Which SAE latents are concept features (METHODS.md \"SAE\"): fire counts and mean activations on concept vs neutral tokens.")]
public sealed record SaeDiscoveryConfig
{
    [Key("score", Doc = "How latents are scored and selected.")]
    public SaeDiscoveryScore Score { get; init; } = SaeDiscoveryScore.Statistics;

    [Key("concept_tokens", Min = 1, Unit = "tokens", Doc = "The first this many tokens of the concept examples are scored (the prototype: 200,000).")]
    public int ConceptTokens { get; init; } = 200_000;

    [Key("neutral_tokens", Min = 1, Unit = "tokens", Doc = "The first this many tokens of the background examples are scored.")]
    public int NeutralTokens { get; init; } = 200_000;

    [Key("smoothing", Min = 0, Doc = "Additive smoothing of the fire-count ratio (c_t + s) / (c_n + s).")]
    public double Smoothing { get; init; } = 16;

    [Key("min_concept_freq", Min = 0, Doc = "A feature must fire on more than this share of concept tokens.")]
    public double MinConceptFrequency { get; init; } = 0.001;

    [Key("min_concept_count", Min = 0, Unit = "tokens", Doc = "… and on at least this many concept tokens.")]
    public int MinConceptCount { get; init; } = 64;

    [Key("max_neutral_freq", Min = 0, Doc = "… and on less than this share of neutral tokens.")]
    public double MaxNeutralFrequency { get; init; } = 0.005;

    [Key("max_concept_freq", Min = 0, Doc = "… and on less than this share of concept tokens (not a generic feature).")]
    public double MaxConceptFrequency { get; init; } = 0.2;

    [Key("min_ratio", Min = 0, Doc = "… and have a smoothed fire-count ratio above this.")]
    public double MinRatio { get; init; } = 2.0;

    [Key("top_n", Min = 1, Unit = "features", Doc = "Features kept: the top N valid latents by score.")]
    public int TopN { get; init; } = 100;

    [Key("contexts", Min = 0, Unit = "contexts", Doc = "Strongest activating contexts recorded per feature in features.json.")]
    public int Contexts { get; init; } = 5;

    [Key("control", Doc = "How the random-feature control (Evaluate's sae-random) draws its latents from those not selected.")]
    public SaeControlDraw Control { get; init; } = SaeControlDraw.FrequencyMatched;
}

[Section("The ablation intervention x ← x + Σ_{f∈F, z_f>0} (s − 1) z_f d_f at the SAE's site.")]
public sealed record SaeAblationConfig
{
    [Key("scale", Doc = "s: −3 (the prototype's default) reverses and amplifies the features; 0 removes them, which is known to be ineffective.")]
    public double Scale { get; init; } = -3;

    [Key("gate", Doc = "Which z_f the edit uses.")]
    public SaeAblationGate Gate { get; init; } = SaeAblationGate.TopK;

    [Key("features", Min = 1, Unit = "features", DefaultText = "all discovered", Doc = "Ablate the first this many discovered features.")]
    public int? Features { get; init; }
}
