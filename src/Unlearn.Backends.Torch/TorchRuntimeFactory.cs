// The torch backend as PretrainedModel.Load sees it: settings → a TorchRuntime over the folder's checkpoint.
using Unlearn.Models.Formats;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;

namespace Unlearn.Backends.Torch;

public sealed class TorchRuntimeFactory(TorchSettings? settings = null) : IModelRuntimeFactory
{
    public TorchSettings Settings { get; } = settings ?? new TorchSettings();

    public string Backend => TorchRuntime.BackendName;

    public IModelRuntime Create(TransformerShape shape, ISafetensorsSource checkpoint) => TorchRuntime.Create(shape, checkpoint, Settings);
}
