// A Llama-family decoder (Llama 2, Llama 3.x, Qwen2/2.5) ready to run: its shape, weights, RoPE frequencies
// and the GEMM provider it multiplies with. The forward pass is in LlamaModel.Forward.cs. A model instance may
// serve one forward call at a time per thread; calls do not share mutable state, so concurrent calls are safe.
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Transformer;

public sealed partial class LlamaModel : IDisposable
{
    public LlamaModel(TransformerShape shape, ModelWeights weights, IGemm gemm)
    {
        shape.Validate();
        CheckWeights(shape, weights);
        Shape = shape;
        Weights = weights;
        Gemm = gemm;
        Rope = RopeFrequencies.Create(shape.HeadDim, shape.RopeTheta, shape.RopeScaling);
    }

    public TransformerShape Shape { get; }

    public ModelWeights Weights { get; }

    public IGemm Gemm { get; }

    public RopeFrequencies Rope { get; }

    public void Dispose() => Weights.Dispose();

    private static void CheckWeights(TransformerShape shape, ModelWeights weights)
    {
        Expect(weights.Embedding.Name, weights.Embedding.Rows, weights.Embedding.Columns, shape.VocabSize, shape.HiddenSize);
        if (weights.LmHead is { } head)
        {
            Expect(head.Name, head.Rows, head.Columns, shape.VocabSize, shape.HiddenSize);
        }
        else if (!shape.TiedEmbeddings)
        {
            throw new ArgumentException($"The model does not tie its embeddings but has no '{WeightNames.LmHead}'.");
        }
        ExpectVector(WeightNames.FinalNorm, weights.FinalNorm, shape.HiddenSize);
        if (weights.Layers.Length != shape.LayerCount)
        {
            throw new ArgumentException($"The model declares {shape.LayerCount} layers but {weights.Layers.Length} were loaded.");
        }
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var layer = weights.Layers[i];
            ExpectVector(WeightNames.InputNorm(i), layer.InputNorm, shape.HiddenSize);
            ExpectVector(WeightNames.PostAttentionNorm(i), layer.PostAttentionNorm, shape.HiddenSize);
            ExpectLinear(layer.Query, shape.QueryWidth, shape.HiddenSize);
            ExpectLinear(layer.Key, shape.KvWidth, shape.HiddenSize);
            ExpectLinear(layer.Value, shape.KvWidth, shape.HiddenSize);
            ExpectLinear(layer.Output, shape.HiddenSize, shape.QueryWidth);
            ExpectLinear(layer.Gate, shape.IntermediateSize, shape.HiddenSize);
            ExpectLinear(layer.Up, shape.IntermediateSize, shape.HiddenSize);
            ExpectLinear(layer.Down, shape.HiddenSize, shape.IntermediateSize);
        }
    }

    private static void ExpectLinear(LinearWeight linear, int rows, int columns) =>
        Expect(linear.Name, linear.OutFeatures, linear.InFeatures, rows, columns);

    private static void Expect(string name, int rows, int columns, int expectedRows, int expectedColumns)
    {
        if (rows != expectedRows || columns != expectedColumns)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{rows}, {columns}] but the config implies [{expectedRows}, {expectedColumns}].");
        }
    }

    private static void ExpectVector(string name, float[] vector, int length)
    {
        if (vector.Length != length)
        {
            throw new ArgumentException($"Tensor '{name}' has {vector.Length} entries but the config implies {length}.");
        }
    }
}
