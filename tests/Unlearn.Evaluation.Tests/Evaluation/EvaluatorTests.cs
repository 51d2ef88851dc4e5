using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Evaluation;

[Collection(EvaluatedPlayCollection.Name)]
public class EvaluatorTests(EvaluatedPlay play)
{
    private MetricEstimate Get(string variant, string metric) => play.Result.Metrics.Get(variant, metric);

    [Fact]
    public void Evaluate_MaskedPlayToken_TargetRateFarBelowBase()
    {
        double baseRate = Get("base", MetricNames.TargetRate).Value!.Value;
        double maskedRate = Get("masked", MetricNames.TargetRate).Value!.Value;
        Assert.True(baseRate >= 0.4, $"base target rate {baseRate:F3}: the concept prompts were chosen for a high rate");
        Assert.True(maskedRate <= baseRate / 5, $"masked {maskedRate:F3} vs base {baseRate:F3}");
    }

    [Fact]
    public void Evaluate_MaskedPlayToken_TargetMassIsZeroByConstruction()
    {
        var masked = Get("masked", MetricNames.TargetMass);
        Assert.Equal(0.0, masked.Value);
        Assert.Contains("by construction", masked.Note);
        Assert.True(Get("base", MetricNames.TargetMass).Value > 0.005);
    }

    [Fact]
    public void Evaluate_MaskedPlayToken_ConceptLogProbDropsAndSaysItWasFloored()
    {
        var shift = Get("masked", MetricNames.ConceptLogProbShift);
        Assert.True(shift.High < -1, $"shift {shift.Value:F3} [{shift.Low:F3}, {shift.High:F3}]");
        Assert.Contains("below the floor", shift.Note);
    }

    [Fact]
    public void Evaluate_ReferenceVariant_ShiftIsZeroAndRatioIsOne()
    {
        Assert.Equal(new MetricEstimate { Value = 0, Low = 0, High = 0, Count = play.Data.ConceptProbes.Count }, Get("base", MetricNames.ConceptLogProbShift));
        var ratio = Get("base", MetricNames.PerplexityRatio);
        Assert.Equal((1.0, 1.0, 1.0), (ratio.Value!.Value, ratio.Low!.Value, ratio.High!.Value));
    }

    [Fact]
    public void Evaluate_EveryApplicableMetric_IntervalContainsTheEstimate()
    {
        foreach (var variant in play.Result.Variants)
        {
            foreach (var (name, e) in play.Result.Metrics.Of(variant).Where(m => m.Estimate.IsApplicable))
            {
                Assert.True(e.Low <= e.Value && e.Value <= e.High, $"{variant}.{name}: {e.Value} outside [{e.Low}, {e.High}]");
            }
        }
    }

    [Fact]
    public void Evaluate_BaseModel_BeatsChanceOnTheMultipleChoiceSet()
    {
        var accuracy = Get("base", MetricNames.McAccuracy);
        double chance = play.Data.MultipleChoiceChance;
        Assert.True(accuracy.Low > chance, $"accuracy {accuracy.Value:F3} [{accuracy.Low:F3}, {accuracy.High:F3}], chance {chance:F3}");
    }

    [Fact]
    public void Evaluate_LeakProbes_LeakRateIsMeasured()
    {
        var leak = Get("base", MetricNames.LeakRate);
        Assert.True(leak.IsApplicable);
        Assert.Equal(play.Data.LeakProbes!.Prompts.Count * play.Settings.Seeds.Count * play.Settings.SamplesPerPrompt, leak.Count);
    }

    [Fact]
    public void Evaluate_Samples_OneRecordPerCompletionOfEveryVariant()
    {
        int perVariant = (play.Data.ConceptPrompts.Count + play.Data.LeakProbes!.Prompts.Count) * play.Settings.Seeds.Count * play.Settings.SamplesPerPrompt;
        Assert.Equal(2 * perVariant, play.Result.Samples.Count);
        Assert.Equal(perVariant, play.Result.Samples.Count(s => s.Variant == "masked"));
    }

    [Fact]
    public void Evaluate_TargetRate_EqualsAnIndependentRecountOfTheCompletionTexts()
    {
        // Recounted here from the completion texts with a regular expression written from the definition (a form of
        // "play" as a whole word, any case), not with the evaluator's matcher or its per-sample flags.
        var form = new System.Text.RegularExpressions.Regex(@"(?<![\p{L}\p{N}_])(play|plays|played|playing)(?![\p{L}\p{N}_])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        var samples = play.Result.Samples.Where(s => s.Variant == "base" && s.Set == Evaluator.ConceptSet).ToList();
        double recount = samples.Average(s => form.IsMatch(s.Text) ? 1.0 : 0.0);

        Assert.InRange(recount, 0.2, 0.95);
        Assert.Equal(recount, Get("base", MetricNames.TargetRate).Value!.Value, 12);
    }
}
