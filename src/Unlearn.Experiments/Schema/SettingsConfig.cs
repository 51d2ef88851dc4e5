// Settings that can change numbers: they are part of the content key of every stage whose results
// depend on them (IStage.Settings says which).
namespace Unlearn.Experiments.Schema;

[Section("Numeric settings.")]
public sealed record SettingsConfig
{
    [Key("gemm", Doc = "Matrix-multiply provider. Keys record the resolved provider, never \"auto\".")]
    public GemmProvider Gemm { get; init; } = GemmProvider.Auto;

    [Key("threads", Min = 0, Unit = "threads", Doc = "Worker threads; 0 uses every core (UNLEARN_THREADS overrides 0).")]
    public int Threads { get; init; }

    [Key("dtype", Doc = "Compute dtype of the model runtime.")]
    public ComputeDtype Dtype { get; init; } = ComputeDtype.Float32;
}
