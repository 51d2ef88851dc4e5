// How a model folder's weights become a runtime: the managed engine (ManagedRuntimeFactory, here) or another backend
// (Unlearn.Backends.Torch.TorchRuntimeFactory). PretrainedModel.Load asks the factory in its options.
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Runtime;

public interface IModelRuntimeFactory
{
    /// <summary>"managed" or "torch".</summary>
    string Backend { get; }

    /// <summary>A runtime over the checkpoint's weights; it owns <paramref name="checkpoint"/> (and disposes it) once this returns.</summary>
    IModelRuntime Create(TransformerShape shape, ISafetensorsSource checkpoint);
}

/// <summary>The managed engine: weights mapped (F32) or widened once (F16/BF16), multiplied with <paramref name="gemm"/>.</summary>
public sealed class ManagedRuntimeFactory(IGemm? gemm = null) : IModelRuntimeFactory
{
    public string Backend => ManagedRuntime.BackendName;

    public IModelRuntime Create(TransformerShape shape, ISafetensorsSource checkpoint)
    {
        var weights = WeightLoader.Load(checkpoint, shape);
        try
        {
            return new ManagedRuntime(new LlamaModel(shape, weights, gemm ?? Gemm.Current), ownsModel: true);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }
}
