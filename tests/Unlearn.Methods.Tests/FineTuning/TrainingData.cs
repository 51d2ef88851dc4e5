// Default-experiment-style repair data for the trainer tests, built once: stories260K's own continuations of a few
// seed prompts (seeded), with every sample mentioning "play" removed, rendered in the plain format.
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Text;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.Tests.FineTuning;

internal static class TrainingData
{
    public static readonly string[] PlayTerms = ["play", "plays", "played", "playing"];

    public static readonly ContinuationSourceSettings Source = new()
    {
        Prompts = ["Once upon a time", "Lily and Tom", "The little dog"],
        Count = 24,
        MaxNewTokens = 48,
        Seed = 11,
        BatchSize = 8,
    };

    private static readonly Lazy<(IReadOnlyList<Conversation> Kept, IReadOnlyList<TrainingExample> Examples)> Built = new(() =>
    {
        var model = FineTuningFixtures.Stories260K;
        var samples = ContinuationSource.Generate(model, Source);
        var kept = TermFilter.Apply(samples.Conversations, new TermMatcher(PlayTerms)).Kept;
        var rendered = ExampleRenderer.RenderAll(kept, model.RequireTokenizer(), new RenderSettings { Template = ChatTemplate.For(ChatFormat.Plain) });
        return (kept, rendered.Examples);
    });

    public static IReadOnlyList<Conversation> Stories => Built.Value.Kept;

    public static IReadOnlyList<TrainingExample> Examples => Built.Value.Examples;

    /// <summary>Token-weighted mean cross-entropy of the examples' labels under the model with the adapters (none: the base).</summary>
    public static double MeanLoss(LlamaModel model, IReadOnlyList<TrainingExample> examples, AdapterSet? adapters = null)
    {
        double sum = 0;
        long count = 0;
        using var tape = new Tape(model.Gemm);
        foreach (var example in examples)
        {
            tape.Reset();
            var pass = model.TrainingForward(tape, ForwardBatch.RightPadded([example.Ids]), example.Labels,
                new TrainingOptions { Adapters = adapters?.Adapters ?? new Dictionary<string, LoraAdapter>() });
            sum += pass.Loss.Value[0] * (double)pass.CountedTokens;
            count += pass.CountedTokens;
        }
        return sum / count;
    }
}
