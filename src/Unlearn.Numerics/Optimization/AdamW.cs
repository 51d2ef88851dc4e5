// AdamW with decoupled weight decay and bias correction, in PyTorch's exact order (torch.optim.AdamW, single-tensor
// path, which CPU tensors take):
//   p ← p·(1 − lr·wd);  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
//   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
// Scalars are formed in double and rounded to float once, as PyTorch passes Python floats to float kernels, and each
// elementwise step rounds as PyTorch 1.13's CPU kernels do (measured): add with alpha and addcmul are fused
// multiply-adds, addcdiv is p + (value·m) / denom. Parameters flagged ExcludeFromWeightDecay skip the decay.
using System.Numerics.Tensors;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Numerics.Optimization;

public sealed record AdamWSettings
{
    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>PyTorch's AdamW default is 0.01; Hugging Face's Trainer uses 0.</summary>
    public double WeightDecay { get; init; } = 0.01;

    public void Validate()
    {
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1 || !(Epsilon > 0) || !(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(AdamWSettings), this, "AdamW needs 0 ≤ beta1, beta2 < 1, epsilon > 0 and a finite weight decay ≥ 0.");
        }
    }
}

public sealed class AdamW : Optimizer
{
    private const string FirstMoment = "exp_avg";
    private const string SecondMoment = "exp_avg_sq";

    // 4096 floats = 16 KB of stack for each of the two work buffers, per block of the update.
    private const int ScratchLength = 4096;

    private static readonly string[] Slots = [FirstMoment, SecondMoment];

    public AdamW(IReadOnlyList<Parameter> parameters, AdamWSettings? settings = null, int? maxDegreeOfParallelism = null)
        : base(parameters, maxDegreeOfParallelism)
    {
        Settings = settings ?? new AdamWSettings();
        Settings.Validate();
    }

    public AdamWSettings Settings { get; }

    public override string Kind => "AdamW";

    protected override IReadOnlyList<string> SlotNames => Slots;

    protected override IReadOnlyDictionary<string, string> Hyperparameters => new Dictionary<string, string>
    {
        ["beta1"] = Format(Settings.Beta1),
        ["beta2"] = Format(Settings.Beta2),
        ["eps"] = Format(Settings.Epsilon),
        ["weight_decay"] = Format(Settings.WeightDecay),
    };

    protected override void Update(int index, Parameter parameter, double learningRate)
    {
        var m = Slot(index, FirstMoment);
        var v = Slot(index, SecondMoment);
        double weightDecay = parameter.ExcludeFromWeightDecay ? 0 : Settings.WeightDecay;
        var scalars = new Scalars(
            Decay: (float)(1 - learningRate * weightDecay),
            Decays: weightDecay != 0,
            Beta1: (float)Settings.Beta1,
            OneMinusBeta1: (float)(1 - Settings.Beta1),
            Beta2: (float)Settings.Beta2,
            OneMinusBeta2: (float)(1 - Settings.Beta2),
            NegativeStepSize: (float)-(learningRate / (1 - Math.Pow(Settings.Beta1, StepCount))),
            BiasCorrection2Sqrt: (float)Math.Sqrt(1 - Math.Pow(Settings.Beta2, StepCount)),
            Epsilon: (float)Settings.Epsilon);
        var p = parameter.Value;
        var g = parameter.Gradient;
        ForChunks(p.Length, (start, length) =>
        {
            int half = Math.Min(length, ScratchLength);
            Span<float> scratch = stackalloc float[2 * half];
            for (int offset = start; offset < start + length; offset += ScratchLength)
            {
                int n = Math.Min(ScratchLength, start + length - offset);
                Step(p.AsSpan(offset, n), g.AsSpan(offset, n), m.AsSpan(offset, n), v.AsSpan(offset, n),
                    scalars, scratch.Slice(0, n), scratch.Slice(half, n));
            }
        });
    }

    protected override void ValidateLoaded(long step, IReadOnlyList<IReadOnlyDictionary<string, float[]>> slots, string source)
    {
        if (step == 0)
        {
            return;
        }
        for (int i = 0; i < Parameters.Count; i++)
        {
            foreach (var slot in Slots)
            {
                if (!slots[i].ContainsKey(slot))
                {
                    throw new OptimizerStateException(source, $"{Parameters[i].Name}.{slot}", $"is missing although the state is at step {step}.");
                }
            }
        }
    }

    private static void Step(
        Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Scalars s, Span<float> denominator, Span<float> work)
    {
        if (s.Decays)
        {
            TensorPrimitives.Multiply(p, s.Decay, p);                            // p ← p·(1 − lr·wd)
        }
        TensorPrimitives.Multiply(m, s.Beta1, m);
        TensorPrimitives.FusedMultiplyAdd(g, s.OneMinusBeta1, m, m);             // m ← β1·m + (1 − β1)·g
        TensorPrimitives.Multiply(v, s.Beta2, v);
        TensorPrimitives.Multiply(g, s.OneMinusBeta2, work);
        TensorPrimitives.FusedMultiplyAdd(work, g, v, v);                        // v ← β2·v + ((1 − β2)·g)·g
        TensorPrimitives.Sqrt(v, denominator);
        TensorPrimitives.Divide(denominator, s.BiasCorrection2Sqrt, denominator);
        TensorPrimitives.Add(denominator, s.Epsilon, denominator);               // denom = √v / √(1 − β2ᵗ) + eps
        TensorPrimitives.Multiply(m, s.NegativeStepSize, work);
        TensorPrimitives.Divide(work, denominator, work);
        TensorPrimitives.Add(p, work, p);                                        // p ← p + (−lr/(1 − β1ᵗ))·m / denom
    }

    private readonly record struct Scalars(
        float Decay, bool Decays, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float NegativeStepSize, float BiasCorrection2Sqrt, float Epsilon);
}
