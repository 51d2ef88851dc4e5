// The runtime's own description of a decoder-only Llama/Qwen2 transformer: every size and switch the
// forward pass needs, independent of where it came from (config.json, or `unlearn bench --shape`).
using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Transformer;

public sealed record TransformerShape
{
    public required string Architecture { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int LayerCount { get; init; }

    public required int HeadCount { get; init; }

    public required int KvHeadCount { get; init; }

    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public required float RmsNormEps { get; init; }

    public required double RopeTheta { get; init; }

    public Llama3RopeScaling? RopeScaling { get; init; }

    public required bool TiedEmbeddings { get; init; }

    /// <summary>q/k/v projections carry a bias (Qwen2; Llama with attention_bias: true).</summary>
    public required bool QkvBias { get; init; }

    /// <summary>o_proj carries a bias (Llama with attention_bias: true; never Qwen2).</summary>
    public bool OutputBias { get; init; }

    public required int MaxPositions { get; init; }

    public int QueryWidth => HeadCount * HeadDim;

    public int KvWidth => KvHeadCount * HeadDim;

    /// <summary>Number of weights (embedding counted once when tied).</summary>
    public long ParameterCount
    {
        get
        {
            long perLayer = 2L * HiddenSize
                + (long)QueryWidth * HiddenSize + 2L * KvWidth * HiddenSize + (long)HiddenSize * QueryWidth
                + 3L * HiddenSize * IntermediateSize
                + (QkvBias ? QueryWidth + 2L * KvWidth : 0) + (OutputBias ? HiddenSize : 0);
            long embedding = (long)VocabSize * HiddenSize;
            return embedding * (TiedEmbeddings ? 1 : 2) + HiddenSize + perLayer * LayerCount;
        }
    }

    /// <summary>Checks the sizes fit together; throws naming the offending field.</summary>
    public void Validate()
    {
        Require(HiddenSize > 0, "hidden_size", HiddenSize);
        Require(IntermediateSize > 0, "intermediate_size", IntermediateSize);
        Require(LayerCount > 0, "num_hidden_layers", LayerCount);
        Require(HeadCount > 0, "num_attention_heads", HeadCount);
        Require(KvHeadCount > 0 && HeadCount % KvHeadCount == 0, "num_key_value_heads", KvHeadCount, "must divide num_attention_heads");
        Require(HeadDim > 0 && HeadDim % 2 == 0, "head_dim", HeadDim, "must be even for RoPE");
        Require(VocabSize > 0, "vocab_size", VocabSize);
        Require(MaxPositions > 0, "max_position_embeddings", MaxPositions);
    }

    private static void Require(bool condition, string field, int value, string? why = null)
    {
        if (!condition)
        {
            throw new ArgumentException($"Transformer shape: {field} = {value} is invalid{(why is null ? "" : $" ({why})")}.");
        }
    }
}
