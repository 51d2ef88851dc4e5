// The hyper-parameters of a Llama or Qwen2 model, read from a Hugging Face config.json. Parsing and
// validation live in ModelConfig.Parse.cs; this file is the typed result. Defaults follow transformers'
// LlamaConfig / Qwen2Config where a field may be absent; the structural sizes may not be absent.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Config;

/// <summary>A validated config.json for a supported architecture. Each property names its JSON field.</summary>
public sealed partial class ModelConfig
{
    /// <summary>The config.json the values came from.</summary>
    public required string SourcePath { get; init; }

    public required ModelArchitecture Architecture { get; init; }

    /// <summary>architectures[0] as written, or the class implied by model_type when the list is absent.</summary>
    public required string ArchitectureName { get; init; }

    /// <summary>model_type: "llama" or "qwen2".</summary>
    public required string ModelType { get; init; }

    /// <summary>hidden_size: width of the residual stream.</summary>
    public required int ModelDim { get; init; }

    /// <summary>intermediate_size: width of the MLP (gate/up output, down input).</summary>
    public required int IntermediateDim { get; init; }

    /// <summary>num_hidden_layers.</summary>
    public required int LayerCount { get; init; }

    /// <summary>num_attention_heads.</summary>
    public required int HeadCount { get; init; }

    /// <summary>num_key_value_heads (default: num_attention_heads); always divides <see cref="HeadCount"/>.</summary>
    public required int KvHeadCount { get; init; }

    /// <summary>head_dim (default: hidden_size / num_attention_heads).</summary>
    public required int HeadDim { get; init; }

    /// <summary>vocab_size: rows of the embedding and of lm_head.</summary>
    public required int VocabSize { get; init; }

    /// <summary>max_position_embeddings (default 2048 for Llama, 32768 for Qwen2).</summary>
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>rms_norm_eps (default 1e-6), as written; the engine rounds it to float32 like PyTorch does.</summary>
    public required double RmsNormEpsilon { get; init; }

    /// <summary>rope_theta (default 10000).</summary>
    public required double RopeTheta { get; init; }

    /// <summary>rope_scaling with rope_type "llama3", or null for plain RoPE (null, absent or rope_type "default").</summary>
    public required Llama3RopeScaling? RopeScaling { get; init; }

    /// <summary>tie_word_embeddings (default false, as in transformers): lm_head reuses embed_tokens.</summary>
    public required bool TieWordEmbeddings { get; init; }

    /// <summary>q/k/v projections have a bias: Llama attention_bias (default false); Qwen2 always.</summary>
    public required bool AttentionQkvBias { get; init; }

    /// <summary>o_proj has a bias: Llama attention_bias (default false); Qwen2 never.</summary>
    public required bool AttentionOutputBias { get; init; }

    /// <summary>bos_token_id, or null when absent.</summary>
    public required int? BosTokenId { get; init; }

    /// <summary>eos_token_id as a list (a single id becomes a one-element list; absent → empty).</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    /// <summary>pad_token_id, or null when absent, null or negative.</summary>
    public required int? PadTokenId { get; init; }

    /// <summary>torch_dtype (or dtype in newer files) as written, e.g. "bfloat16"; informational only.</summary>
    public required string? TorchDType { get; init; }

    /// <summary>Query heads per key/value head (1 for multi-head attention).</summary>
    public int GroupSize => HeadCount / KvHeadCount;

    /// <summary>Width of the q_proj output: HeadCount × HeadDim.</summary>
    public int QueryDim => HeadCount * HeadDim;

    /// <summary>Width of the k_proj and v_proj outputs: KvHeadCount × HeadDim.</summary>
    public int KvDim => KvHeadCount * HeadDim;
}
