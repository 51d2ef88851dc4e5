using System.Text.Json.Nodes;
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Text;
using Unlearn.Models.Lora;

namespace Unlearn.Methods.Tests.FineTuning;

public class RepairRunTests
{
    [Fact]
    public void Run_GenerateSourceWithTargetTerms_TrainsOnSamplesWithoutAnyTargetTermAndCountsWhatItRemoved()
    {
        var model = FineTuningFixtures.Stories260K;
        using var folder = FineTuningFixtures.TemporaryFolder();
        var settings = new RepairSettings
        {
            Generate = TrainingData.Source,
            TargetTerms = TrainingData.PlayTerms,
            Training = new LoraTrainingSettings { Lora = new LoraSettings { Rank = 4, Alpha = 8 }, MaxSteps = 2 },
        };

        var outcome = RepairRun.Run(model, settings, folder.Path);

        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, RepairRun.DataFileName)))!;
        Assert.Equal(TrainingData.Source.Count, data["loaded"]!.GetValue<int>());
        Assert.True(outcome.Data.Removed > 0, "the default prompts make stories260K say 'play' in some samples");
        Assert.Equal(outcome.Data.Removed + outcome.Data.Rendered + outcome.Data.DroppedWithoutLabels, outcome.Data.Loaded);
        int byTerm = data["removed_by_term"]!.AsObject().Sum(p => p.Value!.GetValue<int>());
        Assert.True(byTerm >= outcome.Data.Removed, $"{outcome.Data.Removed} samples removed but only {byTerm} removals by term");
        var matcher = new TermMatcher(TrainingData.PlayTerms);
        var messages = File.ReadAllLines(Path.Combine(folder.Path, RepairRun.TrainingSetFileName))
            .SelectMany(l => JsonNode.Parse(l)!["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>())).ToArray();
        Assert.Equal(2 * outcome.Data.Rendered, messages.Length);
        Assert.DoesNotContain(messages, matcher.IsMatch);
        Assert.Equal(2, outcome.Training.Log.Count);
    }
}
