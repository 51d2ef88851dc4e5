// Hugging Face Llama/Qwen2 weights → llama.cpp's GGUF tensor names (gguf-py constants.py TENSOR_NAMES for
// MODEL_ARCH.LLAMA and MODEL_ARCH.QWEN2, which share these). The one table of the mapping.
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Export.Gguf;

public static class GgufTensorNames
{
    public const string TokenEmbedding = "token_embd.weight";
    public const string OutputNorm = "output_norm.weight";
    public const string Output = "output.weight";
    public const string RopeFrequencies = "rope_freqs.weight";

    public static string AttentionNorm(int layer) => $"blk.{layer}.attn_norm.weight";

    public static string FeedForwardNorm(int layer) => $"blk.{layer}.ffn_norm.weight";

    public static string Weight(int layer, Projection projection) => $"blk.{layer}.{Leaf(projection)}.weight";

    public static string Bias(int layer, Projection projection) => $"blk.{layer}.{Leaf(projection)}.bias";

    private static string Leaf(Projection projection) => projection switch
    {
        Projection.Query => "attn_q",
        Projection.Key => "attn_k",
        Projection.Value => "attn_v",
        Projection.Output => "attn_output",
        Projection.Gate => "ffn_gate",
        Projection.Up => "ffn_up",
        Projection.Down => "ffn_down",
        _ => throw new ArgumentOutOfRangeException(nameof(projection), projection, null),
    };
}
