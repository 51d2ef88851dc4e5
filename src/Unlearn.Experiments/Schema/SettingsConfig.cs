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

    [Key("backend", Doc = "Which engine runs the model in every stage that runs one (docs/backends.md). Keys of the torch backend record its runtime (device, precision, threads); managed keys are unchanged.")]
    public ModelBackend Backend { get; init; } = ModelBackend.Managed;

    [Key("device", Doc = "Where the torch backend runs: cpu, cuda (device 0) or cuda:N (needs a CUDA build, docs/backends.md). The managed engine runs on cpu only.")]
    public string Device { get; init; } = "cpu";

    [Key("dtype", Doc = "Compute dtype of the model runtime. The torch backend runs float32 or bfloat16 (bf16 weights and activations, float32 norms, softmax and logits; meant for CUDA).")]
    public ComputeDtype Dtype { get; init; } = ComputeDtype.Float32;
}
