// The "llama3" RoPE frequency scaling of Llama 3.1/3.2 configs (rope_scaling.rope_type == "llama3").
// Only the parameters: the transformer computes the scaled frequencies from them.
namespace Unlearn.Models.Config;

/// <summary>config.json rope_scaling with rope_type "llama3". HighFreqFactor is always greater than LowFreqFactor.</summary>
/// <param name="Factor">rope_scaling.factor: how much low frequencies are slowed down (32 for Llama 3.2).</param>
/// <param name="LowFreqFactor">rope_scaling.low_freq_factor.</param>
/// <param name="HighFreqFactor">rope_scaling.high_freq_factor.</param>
/// <param name="OriginalMaxPositionEmbeddings">rope_scaling.original_max_position_embeddings (8192 for Llama 3).</param>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);
