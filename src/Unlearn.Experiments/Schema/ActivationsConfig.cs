// Which activations CacheActivations records for every example.
namespace Unlearn.Experiments.Schema;

[Section("Activation capture: sites, layers and pooling.")]
public sealed record ActivationsConfig
{
    [Key("sites", Doc = "Hook sites (DESIGN.md §5): input, attn.out, mlp.act, mlp.out, residual.")]
    public IReadOnlyList<HookSite> Sites { get; init; } = [HookSite.AttnOut, HookSite.MlpOut];

    [Key("layers", Doc = "\"last N\", \"all\", or a list of indices (negative ones count from the end: -1 is the last layer).")]
    public LayerSelection Layers { get; init; } = LayerSelection.Last(4);

    [Key("pooling", Doc = "How token positions are pooled per text.")]
    public Pooling Pooling { get; init; } = Pooling.Mean;

    [Key("exclude_special", Doc = "Leave BOS and other special tokens out of the pool (the seed included BOS).")]
    public bool ExcludeSpecial { get; init; } = true;

    [Key("batch_size", Min = 1, Unit = "texts", Doc = "Texts per forward pass (padded, attention-masked).")]
    public int BatchSize { get; init; } = 8;

    [Key("max_length", Min = 1, Unit = "tokens", Doc = "Longer texts are truncated.")]
    public int MaxLength { get; init; } = 256;

    [Key("shard_mb", Min = 1, Unit = "MiB", Doc = "Token pooling only: each tokens-NNNNN.npy shard holds about this much, and capture keeps one shard in memory.")]
    public int ShardMegabytes { get; init; } = 256;
}
