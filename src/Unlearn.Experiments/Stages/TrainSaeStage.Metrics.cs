// TrainSae's quality measurements: SaeMetrics on the training tokens and on BuildExamples' held-out texts, and the dead
// latents at the end of training.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Sae;
using Unlearn.Models;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Experiments.Stages;

public sealed partial class TrainSaeStage
{
    private static SaeQuality Measure(
        SparseAutoencoder sae, ISaeTokenSource source, SaeTrainingResult? training, ExperimentConfig config, StageContext context, PretrainedModel model, IGemm gemm)
    {
        var (l0Train, fvuTrain, fired) = SaeMetrics.OnTokens(sae, source, gemm);
        var tokenizer = model.RequireTokenizer();
        var heldOut = ExampleFile.Read(Path.Combine(context.Upstream("BuildExamples"), ExampleSet.HeldOutFile));
        int maxLength = Math.Min(config.Activations.MaxLength, model.Runtime.Shape.MaxPositions);
        var texts = heldOut.Concept.Concat(heldOut.Background)
            .Select(t => (IReadOnlyList<int>)tokenizer.Encode(t).Take(maxLength).ToArray())
            .Where(ids => ids.Count >= 2)
            .ToArray();
        var special = StageModel.SaeSkippedTokens(tokenizer);
        double deadFraction = training is null ? double.NaN : (double)training.DeadLatents(Require(config).DeadTokens) / sae.LatentCount;
        double neverFired = (double)fired.Count(f => !f) / sae.LatentCount;
        if (texts.Length == 0)
        {
            context.Log.Warning("BuildExamples held out no text (examples.held_out is 0): held-out FVU and CE loss recovered are not measured.");
            return new SaeQuality(double.NaN, double.NaN, 0, l0Train, fvuTrain, source.Count, deadFraction, neverFired, double.NaN, double.NaN, double.NaN, 0);
        }
        var held = SaeMetrics.OnTexts(sae, model.Runtime, texts, special, gemm);
        return new SaeQuality(held.L0, held.Fvu, held.Tokens, l0Train, fvuTrain, source.Count, deadFraction, neverFired,
            held.CeClean, held.CeReconstructed, held.CeZero, held.CeTokens);
    }
}
