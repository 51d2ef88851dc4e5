// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (coupled, L2) weight decay, in
// torch.optim.SGD's order:
//   d = g + wd·p;  b ← d (first step) or μ·b + (1 − τ)·d;  d ← d + μ·b (Nesterov) or b;  p ← p − lr·d
// Additions with a scaling factor are fused, as PyTorch's vectorised add with alpha is.
using System.Numerics.Tensors;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Numerics.Optimization;

public sealed record SgdSettings
{
    public double Momentum { get; init; }

    public double Dampening { get; init; }

    public double WeightDecay { get; init; }

    public bool Nesterov { get; init; }

    public void Validate()
    {
        if (!(Momentum >= 0) || !double.IsFinite(Momentum) || !(Dampening >= 0) || !double.IsFinite(Dampening)
            || !(WeightDecay >= 0) || !double.IsFinite(WeightDecay) || (Nesterov && (Momentum <= 0 || Dampening != 0)))
        {
            throw new ArgumentOutOfRangeException(nameof(SgdSettings), this, "SGD needs finite momentum, dampening and weight decay ≥ 0; Nesterov needs momentum > 0 and dampening 0.");
        }
    }
}

public sealed class Sgd : Optimizer
{
    private const string MomentumBuffer = "momentum_buffer";
    private static readonly string[] Slots = [MomentumBuffer];

    // Per-block stack scratch for the direction d when weight decay or Nesterov needs it.
    private const int ScratchLength = 4096;

    public Sgd(IReadOnlyList<Parameter> parameters, SgdSettings? settings = null, int? maxDegreeOfParallelism = null)
        : base(parameters, maxDegreeOfParallelism)
    {
        Settings = settings ?? new SgdSettings();
        Settings.Validate();
    }

    public SgdSettings Settings { get; }

    public override string Kind => "SGD";

    protected override IReadOnlyList<string> SlotNames => Slots;

    protected override IReadOnlyDictionary<string, string> Hyperparameters => new Dictionary<string, string>
    {
        ["momentum"] = Format(Settings.Momentum),
        ["dampening"] = Format(Settings.Dampening),
        ["weight_decay"] = Format(Settings.WeightDecay),
        ["nesterov"] = Settings.Nesterov ? "true" : "false",
    };

    protected override void Update(int index, Parameter parameter, double learningRate)
    {
        float weightDecay = parameter.ExcludeFromWeightDecay ? 0f : (float)Settings.WeightDecay;
        float momentum = (float)Settings.Momentum;
        float keep = (float)(1 - Settings.Dampening);
        float negativeRate = (float)-learningRate;
        bool useMomentum = Settings.Momentum != 0;
        bool firstMomentumStep = useMomentum && !HasSlot(index, MomentumBuffer);
        var buffer = useMomentum ? Slot(index, MomentumBuffer) : null;
        bool nesterov = Settings.Nesterov;
        var p = parameter.Value;
        var g = parameter.Gradient;
        ForChunks(p.Length, (start, length) =>
        {
            Span<float> scratch = stackalloc float[Math.Min(length, ScratchLength)];
            for (int offset = start; offset < start + length; offset += ScratchLength)
            {
                int n = Math.Min(ScratchLength, start + length - offset);
                var pc = p.AsSpan(offset, n);
                var d = scratch.Slice(0, n);
                g.AsSpan(offset, n).CopyTo(d);
                if (weightDecay != 0)
                {
                    TensorPrimitives.FusedMultiplyAdd(pc, weightDecay, d, d);            // d = g + wd·p
                }
                if (buffer is not null)
                {
                    var b = buffer.AsSpan(offset, n);
                    if (firstMomentumStep)
                    {
                        d.CopyTo(b);                                                    // b = d
                    }
                    else
                    {
                        TensorPrimitives.Multiply(b, momentum, b);
                        TensorPrimitives.FusedMultiplyAdd(d, keep, b, b);               // b = μ·b + (1 − τ)·d
                    }
                    if (nesterov)
                    {
                        TensorPrimitives.FusedMultiplyAdd(b, momentum, d, d);           // d = d + μ·b
                    }
                    else
                    {
                        b.CopyTo(d);
                    }
                }
                TensorPrimitives.FusedMultiplyAdd(d, negativeRate, pc, pc);             // p = p − lr·d
            }
        });
    }

    protected override void ValidateLoaded(long step, IReadOnlyList<IReadOnlyDictionary<string, float[]>> slots, string source)
    {
        if (step == 0 || Settings.Momentum == 0)
        {
            return;
        }
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (!slots[i].ContainsKey(MomentumBuffer))
            {
                throw new OptimizerStateException(source, $"{Parameters[i].Name}.{MomentumBuffer}", $"is missing although the state is at step {step} with momentum.");
            }
        }
    }
}
