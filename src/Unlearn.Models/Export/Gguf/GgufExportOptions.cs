// What a GGUF export needs beyond the weights: the tensor type, the tokenizer (its vocabulary becomes the
// tokenizer.ggml.* metadata llama.cpp tokenizes with), the special ids and the chat template.
using Unlearn.Models.Formats.Gguf;
using Unlearn.Tokenizers;

namespace Unlearn.Models.Export.Gguf;

public sealed record GgufExportOptions
{
    /// <summary>Type of the 2-D weights: F32, F16, BF16 or Q8_0 (norms, biases and rope_freqs stay F32, as llama.cpp's converter keeps them).</summary>
    public GgmlType DType { get; init; } = GgmlType.F32;

    /// <summary>general.name (no paths: it travels inside the file).</summary>
    public required string Name { get; init; }

    public required Tokenizer Tokenizer { get; init; }

    /// <summary>BOS id when the tokenizer names none (config.json's bos_token_id).</summary>
    public int? BosId { get; init; }

    /// <summary>EOS id when the tokenizer names none (config.json / generation_config.json's first eos_token_id).</summary>
    public int? EosId { get; init; }

    /// <summary>tokenizer.chat_template; null writes none.</summary>
    public string? ChatTemplate { get; init; }
}
