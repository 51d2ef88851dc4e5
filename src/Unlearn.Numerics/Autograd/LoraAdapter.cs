// A LoRA adapter on one linear layer, in PEFT's layout and scaling: A = lora_A.weight [rank, in], B = lora_B.weight
// [out, rank], scale = alpha / rank. Optional masks confine it: InputMask [in] multiplies the adapter's input (masked
// LoRA on chosen mlp.act neurons), OutputMask [out] multiplies its contribution (residual-width scores). Dropout on the
// adapter input is drawn from a seeded generator at each forward pass (Tape.LoraLinear).
namespace Unlearn.Numerics.Autograd;

public sealed class LoraAdapter
{
    public LoraAdapter(Parameter a, Parameter b, double alpha, float[]? inputMask = null, float[]? outputMask = null, float dropoutProbability = 0f)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape.Count != 2 || b.Shape.Count != 2 || b.Columns != a.Rows || a.Rows == 0)
        {
            throw new ArgumentException($"LoRA '{a.Name}' {a} and '{b.Name}' {b} must be A [rank, in] and B [out, rank] with the same rank > 0.");
        }
        if (inputMask is not null && inputMask.Length != a.Columns)
        {
            throw new ArgumentException($"LoRA '{a.Name}': the input mask has {inputMask.Length} entries for {a.Columns} input features.", nameof(inputMask));
        }
        if (outputMask is not null && outputMask.Length != b.Rows)
        {
            throw new ArgumentException($"LoRA '{b.Name}': the output mask has {outputMask.Length} entries for {b.Rows} output features.", nameof(outputMask));
        }
        if (dropoutProbability is < 0f or >= 1f || float.IsNaN(dropoutProbability))
        {
            throw new ArgumentOutOfRangeException(nameof(dropoutProbability), dropoutProbability, "LoRA dropout must be in [0, 1).");
        }
        A = a;
        B = b;
        Alpha = alpha;
        InputMask = inputMask;
        OutputMask = outputMask;
        DropoutProbability = dropoutProbability;
    }

    /// <summary>lora_A.weight [rank, in]</summary>
    public Parameter A { get; }

    /// <summary>lora_B.weight [out, rank]</summary>
    public Parameter B { get; }

    public int Rank => A.Rows;

    public int InFeatures => A.Columns;

    public int OutFeatures => B.Rows;

    public double Alpha { get; }

    /// <summary>alpha / rank, as PEFT scales (not rsLoRA).</summary>
    public float Scale => (float)(Alpha / Rank);

    /// <summary>[in] multiplier of the adapter input, or null.</summary>
    public float[]? InputMask { get; }

    /// <summary>[out] multiplier of the adapter's contribution, or null.</summary>
    public float[]? OutputMask { get; }

    public float DropoutProbability { get; }

    /// <summary>
    /// A fresh adapter initialised as PEFT does: A ~ U(−1/√in, 1/√in) (kaiming_uniform_ with a = √5), B = 0, so the
    /// adapter starts as the identity edit. Values come from <paramref name="random"/> in row-major order.
    /// </summary>
    public static LoraAdapter Create(
        string aName, string bName, int inFeatures, int outFeatures, int rank, double alpha, SeededRandom random,
        float[]? inputMask = null, float[]? outputMask = null, float dropoutProbability = 0f)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        var a = new Parameter(aName, rank, inFeatures);
        double bound = 1.0 / Math.Sqrt(inFeatures);
        for (int i = 0; i < a.Length; i++)
        {
            a.Value[i] = (float)((2 * random.NextDouble() - 1) * bound);
        }
        var b = new Parameter(bName, outFeatures, rank);
        return new LoraAdapter(a, b, alpha, inputMask, outputMask, dropoutProbability);
    }

    /// <summary>
    /// The dropout multipliers of one adapter input of <paramref name="scale"/>.Length elements: 0 with probability p, else
    /// 1 / (1 − p), one draw per element in row-major order (every backend draws the same stream the same way).
    /// </summary>
    public static void FillDropout(Span<float> scale, float probability, SeededRandom random)
    {
        float kept = 1f / (1f - probability);
        for (int i = 0; i < scale.Length; i++)
        {
            scale[i] = random.NextDouble() < probability ? 0f : kept;
        }
    }
}
