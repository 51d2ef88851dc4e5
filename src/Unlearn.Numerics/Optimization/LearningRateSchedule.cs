// Learning-rate schedules as transformers defines them (get_constant_schedule_with_warmup,
// get_linear_schedule_with_warmup, get_cosine_schedule_with_warmup), evaluated at the number of optimiser steps already
// taken: the first update uses LearningRate(0), which is 0 when there is a warm-up. Warm-up rises linearly from 0 to the
// peak over WarmupSteps; the decay then runs to FloorRate at TotalSteps and stays there (transformers' cosine would turn
// back up past the end; here it holds).
namespace Unlearn.Numerics.Optimization;

public interface ILearningRateSchedule
{
    /// <param name="step">optimiser steps already taken (Optimizer.StepCount before the update)</param>
    double LearningRate(long step);
}

public enum DecayShape
{
    Cosine,
    Linear,
}

/// <summary>The peak rate after an optional linear warm-up.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    public ConstantSchedule(double rate, long warmupSteps = 0)
    {
        if (!double.IsFinite(rate) || rate < 0 || warmupSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"A constant schedule needs a finite rate ≥ 0 (got {rate}) and warm-up steps ≥ 0 (got {warmupSteps}).");
        }
        Rate = rate;
        WarmupSteps = warmupSteps;
    }

    public double Rate { get; }

    public long WarmupSteps { get; }

    public double LearningRate(long step) =>
        step < WarmupSteps ? Rate * Math.Max(step, 0) / WarmupSteps : Rate;
}

/// <summary>Linear warm-up to <see cref="PeakRate"/>, then cosine or linear decay to <see cref="FloorRate"/> at <see cref="TotalSteps"/>.</summary>
public sealed class WarmupDecaySchedule : ILearningRateSchedule
{
    public WarmupDecaySchedule(double peakRate, long warmupSteps, long totalSteps, DecayShape shape = DecayShape.Cosine, double floorRate = 0)
    {
        if (!double.IsFinite(peakRate) || peakRate < 0 || !double.IsFinite(floorRate) || floorRate < 0 || floorRate > peakRate)
        {
            throw new ArgumentOutOfRangeException(nameof(peakRate), $"Rates must satisfy 0 ≤ floor ({floorRate}) ≤ peak ({peakRate}).");
        }
        if (warmupSteps < 0 || totalSteps < warmupSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"Steps must satisfy 0 ≤ warm-up ({warmupSteps}) ≤ total ({totalSteps}).");
        }
        PeakRate = peakRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        Shape = shape;
        FloorRate = floorRate;
    }

    public double PeakRate { get; }

    public long WarmupSteps { get; }

    public long TotalSteps { get; }

    public DecayShape Shape { get; }

    public double FloorRate { get; }

    public double LearningRate(long step)
    {
        step = Math.Max(step, 0);
        if (step < WarmupSteps)
        {
            return PeakRate * step / WarmupSteps;
        }
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        double factor = Shape == DecayShape.Cosine
            ? 0.5 * (1 + Math.Cos(Math.PI * progress))
            : 1 - progress;
        return FloorRate + (PeakRate - FloorRate) * factor;
    }
}
