// Sequence post-processor: applies its steps one after another.

namespace Unlearn.Tokenizers.PostProcessors;

internal sealed class SequenceProcessor(IReadOnlyList<PostProcessor> steps) : PostProcessor
{
    public IReadOnlyList<PostProcessor> Steps { get; } = steps;

    public override void Process(EncodingBuilder encoding, bool addSpecialTokens)
    {
        foreach (var step in Steps)
        {
            step.Process(encoding, addSpecialTokens);
        }
    }
}
