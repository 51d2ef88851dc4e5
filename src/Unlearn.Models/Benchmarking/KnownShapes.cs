// The published model shapes `unlearn bench --shape` can build with random weights, so speed and memory can be
// measured without downloading a model. Sizes are those of the public config.json files.
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Benchmarking;

public static class KnownShapes
{
    private static readonly Llama3RopeScaling Llama32Scaling = new(32, 1, 4, 8192);

    public static IReadOnlyDictionary<string, TransformerShape> All { get; } = new SortedDictionary<string, TransformerShape>(StringComparer.Ordinal)
    {
        ["llama-3.2-1b"] = new()
        {
            Architecture = "LlamaForCausalLM", HiddenSize = 2048, IntermediateSize = 8192, LayerCount = 16, HeadCount = 32,
            KvHeadCount = 8, HeadDim = 64, VocabSize = 128256, RmsNormEps = 1e-5f, RopeTheta = 500000, RopeScaling = Llama32Scaling,
            TiedEmbeddings = true, QkvBias = false, MaxPositions = 131072,
        },
        ["llama-3.2-3b"] = new()
        {
            Architecture = "LlamaForCausalLM", HiddenSize = 3072, IntermediateSize = 8192, LayerCount = 28, HeadCount = 24,
            KvHeadCount = 8, HeadDim = 128, VocabSize = 128256, RmsNormEps = 1e-5f, RopeTheta = 500000, RopeScaling = Llama32Scaling,
            TiedEmbeddings = true, QkvBias = false, MaxPositions = 131072,
        },
        ["qwen2.5-0.5b"] = new()
        {
            Architecture = "Qwen2ForCausalLM", HiddenSize = 896, IntermediateSize = 4864, LayerCount = 24, HeadCount = 14,
            KvHeadCount = 2, HeadDim = 64, VocabSize = 151936, RmsNormEps = 1e-6f, RopeTheta = 1000000,
            TiedEmbeddings = true, QkvBias = true, MaxPositions = 32768,
        },
    };

    public static TransformerShape Get(string name, int? layers = null)
    {
        if (!All.TryGetValue(name, out var shape))
        {
            throw new ArgumentException($"Unknown shape '{name}' (known: {string.Join(", ", All.Keys)}).");
        }
        return layers is int n ? shape with { LayerCount = n } : shape;
    }
}
