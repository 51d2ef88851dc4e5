// Special-token names and settings a Tokenizer exposes, resolved from the tokenizer file and its config.
namespace Unlearn.Tokenizers.Loading;

internal sealed record TokenizerMetadata(
    string? BosToken,
    string? EosToken,
    string? UnkToken,
    string? PadToken,
    string? ChatTemplate,
    string? ChatTemplatePath,
    bool CleanUpTokenizationSpaces);
