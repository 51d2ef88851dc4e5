// The export: block (docs/export.md): which variants the Export target writes, in which formats and tensor type.
// Present only when the experiment has the block (Export is an optional stage, like TrainSae with sae:). Without
// keys the block exports hybrid+repair — the variant the project's method ends in — as a Hugging Face folder and a
// GGUF file in f32, the type whose llama.cpp logits match ours within 1e-4 (f16/bf16/q8_0 round the weights).
namespace Unlearn.Experiments.Schema;

[Section("What the Export target writes: each variant's edits baked into plain weights, as a Hugging Face folder and/or a GGUF file.")]
public sealed record ExportConfig
{
    [Key("variants", Doc = "Variants to export (weight edits only: an inference-time intervention such as SAE feature ablation is refused).")]
    public IReadOnlyList<EvaluationVariant> Variants { get; init; } = [EvaluationVariant.HybridRepair];

    [Key("formats", Doc = "Formats to write, each into export/<variant>/<format>/.")]
    public IReadOnlyList<ExportFormatChoice> Formats { get; init; } = [ExportFormatChoice.HuggingFace, ExportFormatChoice.Gguf];

    [Key("dtype", Doc = "Tensor type of the exported weights; q8_0 is GGUF-only.")]
    public ExportTensorType DType { get; init; } = ExportTensorType.F32;

    [Key("release_cost", Doc = "Measure what the release path costs: the exported zero-row weights against the −∞ variant, scored by Evaluate's evaluator on the same prompts and seeds, written into the model card.")]
    public bool ReleaseCost { get; init; } = true;
}

public enum ExportFormatChoice
{
    [Choice("hf", Doc = "Hugging Face folder: config.json, safetensors, tokenizer files, generation_config.json, model card")] HuggingFace,
    [Choice("gguf", Doc = "GGUF v3 for llama.cpp, Ollama and LM Studio, with a Modelfile and the ban list")] Gguf,
}

public enum ExportTensorType
{
    [Choice("f32", Doc = "float32: llama.cpp reproduces our logits within 1e-4")] F32,
    [Choice("f16", Doc = "float16 (round to nearest even)")] F16,
    [Choice("bf16", Doc = "bfloat16 (round to nearest even)")] BF16,
    [Choice("q8_0", Doc = "llama.cpp's 8-bit blocks of 32 (GGUF only)")] Q8_0,
}
