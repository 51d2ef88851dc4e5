// answer_mode replace: a forget prompt is trained towards the base model's own greedy story with every whole-word
// concept form replaced (the seed's "[FORGOTTEN]" substitution with word matching), retain answers get the same
// replacement; and the unmasked comparison adapter covers exactly the modules it is given.
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Text;
using Unlearn.Models.Generation;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Tests.FineTuning;

public class ForgetReplaceTests
{
    [Fact]
    public void Build_ReplaceMode_ForgetAnswerIsTheGreedyStoryWithLilyReplaced()
    {
        var model = FineTuningFixtures.Stories260K;
        var tokenizer = model.RequireTokenizer();
        const string Prompt = "Once upon a time, there was a little girl named";
        var settings = new ForgetSettings
        {
            ForgetPrompts = [Prompt],
            RetainPrompts = ["Mom called her daughter,"],
            TargetAnswer = "Sue",
            ReplaceTerms = ["Lily"],
            MaxAnswerTokens = 40,
        };

        var conversations = ForgetTargets.Build(model, settings);

        var greedy = new Generator(model.Model).Generate([tokenizer.Encode(Prompt).ToArray()],
            new GenerationRequest { MaxNewTokens = 40, Sampling = new SamplingSettings { Temperature = 0f }, StopIds = model.StopIds })[0];
        string story = ContinuationSource.ContinuationText(tokenizer, greedy.PromptIds, greedy.NewIds);
        Assert.Contains("Lily", story);
        Assert.Equal(story.Replace("Lily", "Sue"), conversations[0].Messages[1].Content);
        Assert.Equal(ExampleKind.Forget, conversations[0].Kind);
        Assert.Equal(ExampleKind.Retain, conversations[1].Kind);
        Assert.DoesNotContain("Lily", conversations[1].Messages[1].Content);
    }

    [Theory]
    [InlineData("Lily and Lily's cat met lily.", "Sue and Sue's cat met Sue.")]
    [InlineData("Lilyanna is not Lily.", "Lilyanna is not Sue.")]
    [InlineData("No name here.", "No name here.")]
    public void Replace_WholeWordsOnly(string text, string expected)
    {
        Assert.Equal(expected, ForgetTargets.Replace(text, new TermMatcher(["Lily"]), "Sue"));
    }

    [Fact]
    public void SettingsFor_FullProductOfModules_CoversThem_PartialProductIsRefused()
    {
        var template = new LoraSettings { Rank = 4, Alpha = 8 };
        string[] modules = [WeightNames.Module(0, Projection.Down), WeightNames.Module(2, Projection.Down)];

        var settings = AdapterMasks.SettingsFor(template, modules);

        Assert.Equal([Projection.Down], settings.Targets);
        Assert.Equal([0, 2], settings.Layers!);
        Assert.Equal(4, settings.Rank);
        Assert.Throws<FineTuningException>(() => AdapterMasks.SettingsFor(template, [WeightNames.Module(0, Projection.Down), WeightNames.Module(1, Projection.Output)]));
    }
}
