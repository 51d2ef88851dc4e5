// SAE feature ablation as an intervention at the SAE's site (METHODS.md "SAE", seeds-spec §C.5):
//   x_out = x + Σ_{f∈F, z_f>0} (s − 1) · z_f · d_f,        s = −3 by default,
// the prototype's exact code (x − 4 Σ z_f d_f at s = −3; seed note C-6: its report's formula differs). It equals
// z′ W_dec + b_dec + (x − x̂) with z′_f = s·z_f on F, so the SAE's reconstruction error is kept and only the chosen
// features move. Which z_f (AblationGate):
//   TopK (default, the prototype and METHODS.md): z_f is the TopK code, so a feature is scaled only on tokens where it
//        is among the k strongest latents. TopK needs every pre-activation, so each row costs the full encoder,
//        d_in·d_sae multiply-adds (one dense product per forward call).
//   Relu: z_f = ReLU(pre_f) whether or not f is in the top k: only the |F| encoder rows are needed (|F|·d_in per row)
//        and the edit acts on every token where the feature's pre-activation is positive, a stronger, unconditional edit.
// Padding rows and the listed special tokens (BOS, which the SAE never saw in training) are left alone. Counters
// record how often a feature fired, as the prototype's hook activity.
using System.Numerics.Tensors;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Methods.Sae;

public enum AblationGate
{
    /// <summary>Scale a feature only where it is in the token's TopK code (the prototype).</summary>
    TopK,

    /// <summary>Scale a feature wherever its pre-activation is positive (only the features' encoder rows are computed).</summary>
    Relu,
}

public sealed class SaeAblationHook : IActivationHook
{
    private readonly SparseAutoencoder _sae;
    private readonly int[] _features;
    private readonly bool[] _isFeature;
    private readonly float _coefficient;
    private readonly IGemm _gemm;
    private readonly IReadOnlySet<int> _skipTokens;
    private readonly float[] _featureEncoder;   // [|F|, d_in] the features' encoder rows (Relu gate)
    private readonly float[] _featureBias;      // [|F|]

    /// <param name="features">latents to scale (F)</param>
    /// <param name="scale">s; 1 leaves the activation unchanged, 0 removes the features, −3 the prototype's default</param>
    /// <param name="skipTokens">token ids left alone (the special tokens the SAE was not trained on)</param>
    public SaeAblationHook(SparseAutoencoder sae, IReadOnlyList<int> features, float scale, AblationGate gate, IGemm gemm, IReadOnlySet<int>? skipTokens = null)
    {
        _sae = sae;
        _features = features.Distinct().Order().ToArray();
        if (_features.Any(f => (uint)f >= (uint)sae.LatentCount))
        {
            throw new SaeException($"Ablation features must be latents of the SAE (0..{sae.LatentCount - 1}); got {string.Join(", ", _features.Where(f => (uint)f >= (uint)sae.LatentCount))}.");
        }
        _isFeature = new bool[sae.LatentCount];
        foreach (int f in _features)
        {
            _isFeature[f] = true;
        }
        Scale = scale;
        _coefficient = scale - 1f;
        Gate = gate;
        _gemm = gemm;
        _skipTokens = skipTokens ?? new HashSet<int>();
        int d = sae.InputWidth;
        _featureEncoder = new float[_features.Length * d];
        _featureBias = new float[_features.Length];
        for (int i = 0; i < _features.Length; i++)
        {
            sae.EncoderRow(_features[i]).CopyTo(_featureEncoder.AsSpan(i * d, d));
            _featureBias[i] = sae.EncoderBias[_features[i]];
        }
    }

    public HookSite Site => _sae.Site;

    public float Scale { get; }

    public AblationGate Gate { get; }

    public IReadOnlyList<int> Features => _features;

    /// <summary>Positions seen × |F| (the prototype's total target positions).</summary>
    public long TargetPositions { get; private set; }

    /// <summary>(position, feature) pairs where the feature fired and was scaled.</summary>
    public long FiredPositions { get; private set; }

    public bool Wants(HookSite site) => site == _sae.Site && _features.Length > 0;

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
    {
        int d = _sae.InputWidth;
        if (context.Width != d)
        {
            throw new SaeException($"The SAE at {site.Name} has d_in {d} but the activation there is {context.Width} wide.");
        }
        var rows = new List<int>();
        for (int cell = 0; cell < context.BatchSize * context.ColumnCount; cell++)
        {
            if (context.Valid[cell] && !_skipTokens.Contains(context.Tokens[cell]))
            {
                rows.Add(cell);
            }
        }
        if (rows.Count == 0)
        {
            return;
        }
        var x = new float[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            activations.Slice(rows[i] * d, d).CopyTo(x.AsSpan(i * d, d));
        }
        var codes = Gate == AblationGate.TopK ? TopKFeatureCodes(x, rows.Count) : ReluFeatureCodes(x, rows.Count);
        long fired = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var target = activations.Slice(rows[i] * d, d);
            for (int j = 0; j < _features.Length; j++)
            {
                float z = codes[i * _features.Length + j];
                if (z > 0f)
                {
                    fired++;
                    TensorPrimitives.FusedMultiplyAdd(_sae.DecoderRow(_features[j]), _coefficient * z, target, target);
                }
            }
        }
        TargetPositions += (long)rows.Count * _features.Length;
        FiredPositions += fired;
    }

    /// <summary>[rows, |F|] z_f of each row: the TopK code at the features (0 where a feature is not selected).</summary>
    private float[] TopKFeatureCodes(float[] x, int rows)
    {
        int k = _sae.K, n = _sae.LatentCount, d = _sae.InputWidth;
        var result = new float[rows * _features.Length];
        int block = Math.Min(SparseAutoencoder.EncodeBlockRows, rows);
        var centered = new float[block * d];
        var pre = new float[(long)block * n];
        var indices = new int[block * k];
        var codes = new float[block * k];
        for (int first = 0; first < rows; first += block)
        {
            int count = Math.Min(block, rows - first);
            _sae.PreActivations(x.AsSpan(first * d, count * d), count, _gemm, centered, pre);
            _sae.SelectTopK(pre, count, indices, codes, [], k);
            for (int r = 0; r < count; r++)
            {
                for (int j = 0; j < k; j++)
                {
                    int latent = indices[r * k + j];
                    if (_isFeature[latent])
                    {
                        result[(first + r) * _features.Length + Array.BinarySearch(_features, latent)] = codes[r * k + j];
                    }
                }
            }
        }
        return result;
    }

    /// <summary>[rows, |F|] ReLU(pre_f) at the features, from their encoder rows only.</summary>
    private float[] ReluFeatureCodes(float[] x, int rows)
    {
        int d = _sae.InputWidth;
        var centered = (float[])x.Clone();
        if (_sae.ApplyDecoderBiasToInput)
        {
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.Subtract(centered.AsSpan(r * d, d), _sae.DecoderBias, centered.AsSpan(r * d, d));
            }
        }
        var result = new float[rows * _features.Length];
        _gemm.Linear(centered, _featureEncoder, _featureBias, rows, d, _features.Length, result);
        TensorPrimitives.Max(result, 0f, result);
        return result;
    }
}
