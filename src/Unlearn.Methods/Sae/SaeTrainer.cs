// Trains a TopK SAE on a token source (METHODS.md "SAE"; the prototype's recipe, seeds-spec §C.3, with its bugs
// fixed). Initialisation: W_dec rows uniform in [−1, 1]^d_in then unit-normalised (the prototype's and sparsify's
// kaiming-uniform up to the scale the normalisation removes), W_enc = W_decᵀ, b_enc = 0, b_dec the geometric median
// of the first epoch's first tokens (OpenAI's reference; or their mean, as sparsify, or zero). Each step
// (SaeTrainer.Step.cs): forward and gradients (SaeObjective), skip the step if anything is not finite, remove the
// gradient component parallel to each decoder row, clip the global gradient norm, Adam, re-normalise the decoder rows,
// update the dead-latent counters (in tokens, seed fix C-5). A run given a checkpoint folder saves there every
// CheckpointEvery steps and resumes from it bit-identically.
using System.Text.Json.Nodes;
using Unlearn.Models.Hooks;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Optimization;
using Unlearn.Numerics.Threading;

namespace Unlearn.Methods.Sae;

/// <summary>Progress of a training run: steps done of the total, and the last step's record.</summary>
public readonly record struct SaeTrainingProgress(long Step, long TotalSteps, SaeStepRecord Last);

public sealed partial class SaeTrainer
{
    private readonly ISaeTokenSource _source;
    private readonly SaeTrainingSettings _settings;
    private readonly IGemm _gemm;
    private readonly SparseAutoencoder _sae;
    private readonly Parameter[] _parameters;
    private readonly SaeGradients _gradients;
    private readonly AdamW _optimizer;
    private readonly SaeObjective _objective;
    private readonly TokenOrder _order;
    private readonly long[] _deadCounters;
    private readonly List<SaeStepRecord> _log = [];
    private readonly float[] _batch;
    private readonly int[] _rows;
    private int _skipped;
    private long _step;

    /// <summary>A fresh run: the SAE is initialised from <paramref name="settings"/>' seed and the source's first tokens.</summary>
    public SaeTrainer(ISaeTokenSource source, SaeTrainingSettings settings, HookSite site, IGemm gemm)
    {
        settings.Validate(source.Width, source.Count);
        _source = source;
        _settings = settings;
        _gemm = gemm;
        _sae = new SparseAutoencoder(new SaeShape(source.Width, settings.LatentCount, settings.K), site);
        _order = new TokenOrder(SeedFor("order"), source.Count);
        Initialize();
        _parameters =
        [
            new Parameter("encoder.weight", _sae.EncoderWeight, _sae.LatentCount, _sae.InputWidth),
            new Parameter("encoder.bias", _sae.EncoderBias, _sae.LatentCount),
            new Parameter("W_dec", _sae.DecoderWeight, _sae.LatentCount, _sae.InputWidth),
            new Parameter("b_dec", _sae.DecoderBias, _sae.InputWidth),
        ];
        _gradients = new SaeGradients(_parameters[0].Gradient, _parameters[1].Gradient, _parameters[2].Gradient, _parameters[3].Gradient);
        _optimizer = new AdamW(_parameters, new AdamWSettings { Beta1 = settings.Beta1, Beta2 = settings.Beta2, Epsilon = settings.Epsilon, WeightDecay = 0 });
        _objective = new SaeObjective(_sae, settings.EffectiveKAux(source.Width));
        _deadCounters = new long[settings.LatentCount];
        _batch = new float[settings.BatchSize * source.Width];
        _rows = new int[settings.BatchSize];
    }

    /// <summary>The autoencoder being trained (its arrays are updated in place).</summary>
    public SparseAutoencoder Sae => _sae;

    public IReadOnlyList<SaeStepRecord> Log => _log;

    /// <summary>Steps done so far (skipped ones included).</summary>
    public long StepsDone => _step;

    /// <summary>Runs the remaining steps; with <paramref name="checkpointFolder"/>, resumes from a checkpoint there and saves new ones.</summary>
    /// <param name="fingerprint">What else identifies the run (the data, the GEMM); a checkpoint with another fingerprint is refused.</param>
    /// <exception cref="SaeException">Too many non-finite steps, or a checkpoint of another run.</exception>
    public SaeTrainingResult Train(string? checkpointFolder = null, JsonObject? fingerprint = null, IProgress<SaeTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var runFingerprint = Fingerprint(fingerprint);
        long resumedFrom = 0;
        if (checkpointFolder is not null && _step == 0
            && SaeCheckpoint.TryLoad(checkpointFolder, runFingerprint, _sae, _deadCounters, _optimizer, out long step, out int skipped, out var log))
        {
            (_step, _skipped, resumedFrom) = (step, skipped, step);
            _log.Clear();
            _log.AddRange(log);
        }
        long total = _settings.StepCount;
        while (_step < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = Step();
            progress?.Report(new SaeTrainingProgress(_step, total, record));
            if (checkpointFolder is not null && _settings.CheckpointEvery > 0 && _step % _settings.CheckpointEvery == 0 && _step < total)
            {
                SaeCheckpoint.Save(checkpointFolder, _step, _skipped, runFingerprint, _sae, _deadCounters, _optimizer, _log);
            }
        }
        return new SaeTrainingResult(_sae, _log.ToArray(), (long[])_deadCounters.Clone(), _skipped, resumedFrom, _step * _settings.BatchSize);
    }

    /// <summary>Removes a run's checkpoint folder once everything that depends on the run is written.</summary>
    public static void DeleteCheckpoint(string folder) => Checkpoints.CheckpointFolder.Delete(folder);

    /// <summary>The run's identity for checkpoints: sizes, site, every setting, the token count, plus the caller's fields.</summary>
    public JsonObject Fingerprint(JsonObject? extra)
    {
        var fingerprint = new JsonObject
        {
            ["d_in"] = _sae.InputWidth,
            ["d_sae"] = _sae.LatentCount,
            ["k"] = _sae.K,
            ["layer"] = _sae.Site.Layer,
            ["site"] = HookSite.KindName(_sae.Site.Kind),
            ["tokens"] = _source.Count,
            ["settings"] = _settings.ToJson(_sae.InputWidth),
            ["gemm"] = _gemm.Name,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                fingerprint[key] = value?.DeepClone();
            }
        }
        return fingerprint;
    }

    private void Initialize()
    {
        int d = _sae.InputWidth;
        var random = new SeededRandom(SeedFor("init"));
        for (long i = 0; i < _sae.DecoderWeight.Length; i++)
        {
            _sae.DecoderWeight[i] = (float)(2 * random.NextDouble() - 1);
        }
        RowNormalization.Normalize(_sae.DecoderWeight, d, 0, _sae.LatentCount);
        _sae.DecoderWeight.CopyTo(_sae.EncoderWeight, 0);
        if (_settings.DecoderBiasInit == DecoderBiasInit.Zeros)
        {
            return;
        }
        int samples = Math.Min(_settings.DecoderBiasSamples, _source.Count);
        var rows = new int[samples];
        _order.Rows(0, rows);
        var sample = new float[samples * d];
        _source.Gather(rows, sample);
        var bias = _settings.DecoderBiasInit == DecoderBiasInit.Mean ? GeometricMedian.Mean(sample, samples, d) : GeometricMedian.Of(sample, samples, d);
        bias.CopyTo(_sae.DecoderBias, 0);
    }

    private ulong SeedFor(string purpose)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in purpose)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return _settings.Seed ^ hash;
    }

    /// <summary>Runs <paramref name="body"/> over [0, count) on the engine's threads (disjoint outputs, so deterministic).</summary>
    private static void ForRows(int count, Action<int, int> body) => Parallelism.ForRange(count, body);
}
