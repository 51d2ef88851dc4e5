// Cheap checks of the lily recipe and of the files it committed under data/forget-lily (re-running it takes about a
// minute of CPU; data/forget-lily/README.md says how it was checked to rewrite them byte for byte).
using System.Text.Json;
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Data.Recipes;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Tests.Data;

public class LilyDataRecipeTests
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Data");

    [Fact]
    public void HandWrittenInputs_NeverMentionTheConcept_AndParaphrasesAreNotForgetPrompts()
    {
        var leak = new LeakMatcher(LilyDataRecipe.LeakPatterns, LilyDataRecipe.Entities);
        Assert.DoesNotContain(LilyDataRecipe.CandidateForgetPrompts.Concat(LilyDataRecipe.CandidateParaphrases).Concat(LilyDataRecipe.RetainPrompts).Concat(LilyDataRecipe.StoryOpeners), leak.IsMatch);
        Assert.Empty(LilyDataRecipe.CandidateParaphrases.Intersect(LilyDataRecipe.CandidateForgetPrompts));
    }

    [Fact]
    public void CommittedFiles_AreWhatRecipeJsonMarksKept_AndTheHeldOutSetIsNeverTrainedOn()
    {
        using var recipe = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "forget-lily", "recipe.json")));
        var selection = recipe.RootElement.GetProperty("selection");
        List<string> Kept(string name) => selection.GetProperty(name).EnumerateArray()
            .Where(c => c.GetProperty("kept").GetBoolean()).Select(c => c.GetProperty("prompt").GetString()!).ToList();
        var forget = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(Path.Combine(Root, "forget-lily", "training", "forget-prompts.json")))!;
        var data = EvaluationDataFolder.Load(Path.Combine(Root, "forget-lily"), Path.Combine(Root, "lily-concept-def.json"));

        Assert.Equal(Kept("forget_candidates"), forget);
        Assert.Equal(forget, data.ConceptPrompts);
        Assert.Equal(Kept("paraphrase_candidates"), data.LeakProbes!.Prompts);
        Assert.Empty(data.LeakProbes.Prompts.Intersect(forget));
        Assert.Equal(LilyDataRecipe.Entities, data.LeakProbes.Entities);
        var leak = new LeakMatcher(data.LeakProbes.Patterns, data.LeakProbes.Entities);
        Assert.DoesNotContain(data.BackgroundDocuments, leak.IsMatch);
        Assert.DoesNotContain(data.MultipleChoice, item => leak.IsMatch(item.Context + string.Concat(item.Choices)));
    }
}
