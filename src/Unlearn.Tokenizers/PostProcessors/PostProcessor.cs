// Post-processors run after the model (Hugging Face `post_processor`): TemplateProcessing, ByteLevel and Sequence,
// each in its own file. Pair templates are read but only single sequences are encoded by this library.

namespace Unlearn.Tokenizers.PostProcessors;

internal abstract class PostProcessor
{
    /// <summary>Rewrites the encoding in place. <paramref name="addSpecialTokens"/> is the caller's choice.</summary>
    public abstract void Process(EncodingBuilder encoding, bool addSpecialTokens);
}

/// <summary>One element of a template: a special token (by its name in <c>special_tokens</c>) or the sequence.</summary>
internal sealed record TemplateItem(string? SpecialTokenName, IReadOnlyList<int> SpecialIds);
