// Cheap checks of the play recipe and of the files it committed (re-running it takes a minute of CPU; its
// byte-for-byte reproducibility is checked by running `unlearn make-data play` twice, see data/play/README.md).
using System.Text.Json;
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Data.Recipes;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Data;

public class PlayDataRecipeTests
{
    [Fact]
    public void HandWrittenInputs_NeverMentionTheConcept()
    {
        var derived = new LeakMatcher([PlayDataRecipe.DerivedWordPattern]);
        Assert.DoesNotContain(PlayDataRecipe.CandidatePrompts.Concat(PlayDataRecipe.StoryOpeners), derived.IsMatch);
    }

    [Fact]
    public void CommittedConceptPrompts_AreTheCandidatesRecipeJsonMarksKept()
    {
        var concept = ConceptDefinition.Load(TestData.PlayConceptDefinition);
        using var recipe = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestData.PlayFolder, "recipe.json")));
        var candidates = recipe.RootElement.GetProperty("prompt_selection").GetProperty("candidates").EnumerateArray().ToList();
        var kept = candidates.Where(c => c.GetProperty("kept").GetBoolean()).Select(c => c.GetProperty("prompt").GetString()!).ToList();
        Assert.Equal(kept, concept.TestPrompts);
        Assert.All(candidates.Where(c => c.GetProperty("kept").GetBoolean()), c => Assert.True(c.GetProperty("target_rate").GetDouble() >= PlayDataRecipe.MinimumRate));
        Assert.Equal(PlayDataRecipe.CandidatePrompts, candidates.Select(c => c.GetProperty("prompt").GetString()!));
        Assert.Equal(PlayDataRecipe.Terms, concept.Terms);
    }

    [Fact]
    public void Find_UnknownRecipe_ThrowsListingTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => DataRecipes.Find("chair"));
        Assert.Contains("Known: play, lily", e.Message);
    }
}
