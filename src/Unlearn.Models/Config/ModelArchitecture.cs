// The model families the runtime implements, as named by config.json.
namespace Unlearn.Models.Config;

public enum ModelArchitecture
{
    /// <summary>LlamaForCausalLM / model_type "llama": Llama 2, Llama 3, 3.1, 3.2 (and TinyStories-style llama2.c conversions).</summary>
    Llama,

    /// <summary>Qwen2ForCausalLM / model_type "qwen2": Qwen2 and Qwen2.5 (q/k/v projections with bias).</summary>
    Qwen2,
}
