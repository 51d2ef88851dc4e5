// Which file a tokenizer was read from.
namespace Unlearn.Tokenizers;

public enum TokenizerFileFormat
{
    /// <summary>Hugging Face tokenizer.json.</summary>
    HuggingFaceJson,

    /// <summary>GPT-2/Qwen2 style vocab.json + merges.txt (+ added_tokens.json).</summary>
    VocabAndMerges,

    /// <summary>tiktoken rank file (Llama 3's tokenizer.model: "base64 rank" lines).</summary>
    Tiktoken,

    /// <summary>SentencePiece model protobuf (Llama 2's tokenizer.model).</summary>
    SentencePiece,

    /// <summary>llama2.c tokenizer.bin export.</summary>
    Llama2c,
}
