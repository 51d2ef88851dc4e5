// One optimiser step of SAE training, in the prototype's order (seeds-spec §C.3): gradients; skip if the loss or any
// gradient is not finite (counted, and the run stops after MaxSkippedSteps); remove each decoder-row gradient's
// component along its row; clip the global norm; Adam (decoupled weight decay 0, i.e. torch.optim.Adam); unit-normalise
// the decoder rows; then the dead counters: every latent ages by the batch's tokens, those that fired reset to 0.
using System.Numerics.Tensors;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.Sae;

public sealed partial class SaeTrainer
{
    /// <summary>Runs the next step and returns its record.</summary>
    internal SaeStepRecord Step()
    {
        int batchSize = _settings.BatchSize, d = _sae.InputWidth;
        _order.Rows(_step * batchSize, _rows);
        _source.Gather(_rows, _batch);
        var dead = DeadLatents();
        var parts = _objective.Compute(_batch, batchSize, dead, _settings.AuxCoefficient, _gemm, _gradients);
        _step++;
        double learningRate = LearningRate(_step);
        if (!double.IsFinite(parts.Loss) || _parameters.Any(p => !TensorPrimitives.IsFiniteAll<float>(p.Gradient)))
        {
            _skipped++;
            var skippedRecord = new SaeStepRecord(_step, parts.Loss, parts.Mse, parts.AuxMse, parts.AuxScale, parts.AuxK, parts.DeadLatents, parts.L0, double.NaN, learningRate, true);
            _log.Add(skippedRecord);
            if (_skipped > _settings.MaxSkippedSteps)
            {
                throw new SaeException(
                    $"SAE training step {_step}: the loss or a gradient is not finite (loss {parts.Loss}), the {_skipped}th such step (sae.max_skipped_steps is {_settings.MaxSkippedSteps}). " +
                    "Lower sae.learning_rate, check the activation cache for NaN/Inf, or keep gradient clipping on.");
            }
            return skippedRecord;
        }
        RemoveParallelComponent();
        double norm = _settings.MaxGradientNorm > 0
            ? GradientClipping.ClipGlobalNorm(_parameters, _settings.MaxGradientNorm)
            : GradientClipping.GlobalNorm(_parameters);
        _optimizer.Step(learningRate);
        var decoder = _sae.DecoderWeight;
        ForRows(_sae.LatentCount, (first, end) => RowNormalization.Normalize(decoder, d, first, end));
        UpdateDeadCounters(batchSize);
        var record = new SaeStepRecord(_step, parts.Loss, parts.Mse, parts.AuxMse, parts.AuxScale, parts.AuxK, parts.DeadLatents, parts.L0, norm, learningRate, false);
        _log.Add(record);
        return record;
    }

    /// <summary>Forward and gradients of an explicit batch with explicit dead latents, then the step (tests and goldens).</summary>
    internal SaeLossParts StepOn(float[] batch, int rows, int[] deadLatents, double learningRate)
    {
        var parts = _objective.Compute(batch, rows, deadLatents, _settings.AuxCoefficient, _gemm, _gradients);
        RemoveParallelComponent();
        if (_settings.MaxGradientNorm > 0)
        {
            GradientClipping.ClipGlobalNorm(_parameters, _settings.MaxGradientNorm);
        }
        _optimizer.Step(learningRate);
        var decoder = _sae.DecoderWeight;
        ForRows(_sae.LatentCount, (first, end) => RowNormalization.Normalize(decoder, _sae.InputWidth, first, end));
        return parts;
    }

    /// <summary>Forward and gradients only, with the decoder gradient already projected (tests and goldens).</summary>
    internal SaeLossParts GradientsOn(float[] batch, int rows, int[] deadLatents)
    {
        var parts = _objective.Compute(batch, rows, deadLatents, _settings.AuxCoefficient, _gemm, _gradients);
        RemoveParallelComponent();
        return parts;
    }

    internal SaeGradients Gradients => _gradients;

    /// <summary>Ascending ids of the latents that have not fired for more than the dead window.</summary>
    private int[] DeadLatents()
    {
        var dead = new List<int>();
        for (int f = 0; f < _deadCounters.Length; f++)
        {
            if (_deadCounters[f] > _settings.DeadTokens)
            {
                dead.Add(f);
            }
        }
        return dead.ToArray();
    }

    private void RemoveParallelComponent()
    {
        var decoder = _sae.DecoderWeight;
        var gradient = _gradients.DecoderWeight;
        ForRows(_sae.LatentCount, (first, end) => ParallelComponentRemoval.Apply(decoder, gradient, _sae.InputWidth, first, end));
    }

    private void UpdateDeadCounters(int tokens)
    {
        var fired = new bool[_sae.LatentCount];
        _objective.MarkFired(tokens, fired);
        for (int f = 0; f < fired.Length; f++)
        {
            _deadCounters[f] = fired[f] ? 0 : _deadCounters[f] + tokens;
        }
    }

    /// <summary>The constant rate, ramped linearly over the first WarmupSteps steps (step is 1-based).</summary>
    private double LearningRate(long step) =>
        _settings.WarmupSteps > 0 && step < _settings.WarmupSteps ? _settings.LearningRate * step / _settings.WarmupSteps : _settings.LearningRate;
}
