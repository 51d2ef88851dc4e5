// Objective sequences from text: a concept sentence's targets are exactly the tokens that spell a concept form (whole
// word), a background sentence's every token after BOS; BOS is never a counted position unless asked.
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Tests.FineTuning;
using Unlearn.Methods.Text;

namespace Unlearn.Methods.Tests.Saliency;

public class ObjectiveSequenceTests
{
    [Fact]
    public void Concept_TargetsAreTheTokensSpellingAForm()
    {
        var tokenizer = FineTuningFixtures.Stories260K.RequireTokenizer();
        const string Text = "Lily and Lily's friend saw Lilyanna.";

        var sequence = ObjectiveSequences.Concept(tokenizer, Text, new TermMatcher(["Lily"]), maxTokens: 64);

        var encoded = tokenizer.EncodeWithOffsets(Text);
        var lily = Enumerable.Range(0, encoded.Count).Where(p => encoded.Tokens[p] == "▁Lily").ToArray();
        Assert.Equal(3, lily.Length); // the third starts "Lilyanna", which is not the word Lily
        var expected = lily[..2];
        Assert.Equal(expected, Enumerable.Range(0, sequence.Ids.Length).Where(p => sequence.Targets[p]));
        Assert.False(sequence.Counted[0]);
        Assert.True(sequence.Counted.Skip(1).All(c => c));
    }

    [Fact]
    public void Background_EveryTokenAfterBosIsATarget_TruncationApplies()
    {
        var tokenizer = FineTuningFixtures.Stories260K.RequireTokenizer();

        var sequence = ObjectiveSequences.Background(tokenizer, "Tom saw a big red ball in the park.", maxTokens: 5);

        Assert.Equal(5, sequence.Ids.Length);
        Assert.Equal([false, true, true, true, true], sequence.Targets);
    }

    [Fact]
    public void Measure_NoSequenceWithATarget_IsRefused()
    {
        var model = FineTuningFixtures.Stories260K;
        var none = new ObjectiveSequence([1, 5, 6], [false, false, false], [false, true, true]);

        var error = Assert.Throws<SaliencyException>(() => GradientSaliency.Measure(model.Runtime, [new Models.Hooks.HookSite(0, Models.Hooks.SiteKind.MlpActivation)], [none]));

        Assert.Contains("nothing to measure", error.Message);
    }
}
