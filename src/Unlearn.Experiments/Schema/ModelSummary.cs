// The few facts from a model's config.json that validation needs (layer count, architecture, widths).
// A stand-in until the model runtime's ModelConfig type is available to this project; it reads the
// file with System.Text.Json and nothing else.
namespace Unlearn.Experiments.Schema;

public sealed record ModelSummary(
    string Architecture,
    string ModelType,
    int LayerCount,
    int HiddenSize,
    int IntermediateSize,
    int VocabularySize,
    bool TiedEmbeddings)
{
    /// <summary>Architectures the model runtime loads (DESIGN.md §5).</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } =
        ["LlamaForCausalLM", "Qwen2ForCausalLM"];
}
