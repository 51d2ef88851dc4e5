// A token added on top of the model vocabulary (special tokens such as <|eot_id|>, or user tokens), with the
// Hugging Face flags that decide how it is matched in text.
namespace Unlearn.Tokenizers;

/// <param name="Id">Token id.</param>
/// <param name="Content">The literal text that stands for the token.</param>
/// <param name="Special">Skipped by decode with skipSpecialTokens, and not matched when special tokens are not parsed.</param>
/// <param name="LStrip">Absorbs the whitespace on its left.</param>
/// <param name="RStrip">Absorbs the whitespace on its right.</param>
/// <param name="Normalized">Matched in the normalized text rather than the raw text.</param>
/// <param name="SingleWord">Matched only when not inside a word.</param>
public sealed record AddedToken(
    int Id,
    string Content,
    bool Special,
    bool LStrip = false,
    bool RStrip = false,
    bool Normalized = false,
    bool SingleWord = false);
