// The managed engine behind IModelRuntime: forwards go straight to LlamaModel.Forward and training steps record
// LlamaModel.TrainingForward on a Tape the runtime keeps (so its buffer pool is reused from step to step) and run its
// Backward. Nothing is computed differently from calling LlamaModel directly: results are bit-identical.
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Runtime;

public sealed class ManagedRuntime : IModelRuntime
{
    public const string BackendName = "managed";

    private readonly bool _ownsModel;
    private readonly Lock _trainingGate = new();
    private Tape? _tape;

    /// <param name="ownsModel">dispose <paramref name="model"/> with the runtime</param>
    public ManagedRuntime(LlamaModel model, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _ownsModel = ownsModel;
    }

    public LlamaModel Model { get; }

    public TransformerShape Shape => Model.Shape;

    /// <summary>"managed/managed" (the managed GEMM's bits do not depend on the thread count) or
    /// "managed/openblas/threads=N" (OpenBLAS's do).</summary>
    public string Description => Model.Gemm.Name == "openblas"
        ? $"{BackendName}/openblas/threads={Numerics.Threading.Parallelism.ThreadCount}"
        : $"{BackendName}/{Model.Gemm.Name}";

    public IKvCache CreateCache(int batchSize, int capacity) => new KvCache(Model.Shape, batchSize, capacity);

    public ForwardResult Forward(ForwardBatch batch, IKvCache? cache = null, ForwardOptions? options = null) => cache switch
    {
        null => Model.Forward(batch, null, options),
        KvCache managed => Model.Forward(batch, managed, options),
        _ => throw new ArgumentException($"A {cache.GetType().Name} was made by another backend; the managed runtime needs a cache from its own CreateCache.", nameof(cache)),
    };

    public IModelRuntime WithZeroedRows(IReadOnlyDictionary<string, int[]> rowMasks) =>
        new ManagedRuntime(Model.WithZeroedRows(rowMasks), ownsModel: true);

    public TrainingStepResult TrainingStep(ForwardBatch batch, int[] labels, TrainingOptions? options = null, float? normalizer = null)
    {
        lock (_trainingGate)
        {
            _tape ??= new Tape(Model.Gemm);
            _tape.Reset();
            try
            {
                var pass = Model.TrainingForward(_tape, batch, labels, options, normalizer);
                float loss = pass.Loss.Value[0];
                var values = pass.Sites.ToDictionary(p => p.Key, p => p.Value.Value.ToArray(), StringComparer.Ordinal);
                if (pass.Loss.RequiresGradient)
                {
                    _tape.Backward(pass.Loss);
                }
                var sites = pass.Sites.ToDictionary(
                    p => p.Key,
                    p => new SiteActivation(p.Value.Rows, p.Value.Width, values[p.Key], p.Value.Gradient.ToArray()),
                    StringComparer.Ordinal);
                return new TrainingStepResult(loss, sites, pass.CountedTokens, pass.MaskedLabels);
            }
            finally
            {
                _tape.Reset();
            }
        }
    }

    public void Dispose()
    {
        _tape?.Dispose();
        if (_ownsModel)
        {
            Model.Dispose();
        }
    }
}
