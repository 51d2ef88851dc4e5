// Reads a checkpoint's tensors into ModelWeights by their Hugging Face names (see WeightNames). F32 matrices
// are wrapped in place (zero copy: the mapping stays alive while the weights do); F16/BF16 are widened once.
// Every tensor's shape is checked against the config before anything runs.
using Unlearn.Models.Formats;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Transformer;

public static class WeightLoader
{
    /// <summary>Loads every weight; the returned ModelWeights owns <paramref name="source"/> and disposes it.</summary>
    public static unsafe ModelWeights Load(ISafetensorsSource source, TransformerShape shape)
    {
        var owned = new List<DenseMatrix>();
        try
        {
            DenseMatrix Matrix(string name, int rows, int columns)
            {
                var tensor = source.GetTensor(name);
                tensor.ExpectShape(rows, columns);
                DenseMatrix matrix;
                if (tensor.DType == SafetensorsDType.Float32)
                {
                    matrix = DenseMatrix.Wrap(tensor.Float32Pointer, rows, columns, name);
                }
                else
                {
                    matrix = DenseMatrix.Allocate(rows, columns, name);
                    tensor.CopyToFloat32(matrix.Span);
                }
                owned.Add(matrix);
                return matrix;
            }

            float[] Vector(string name, int length)
            {
                var tensor = source.GetTensor(name);
                tensor.ExpectShape(length);
                return tensor.ToFloat32Array();
            }

            LinearWeight Linear(int layer, Projection projection, int rows, int columns, bool bias) => new(
                Matrix(WeightNames.Weight(layer, projection), rows, columns),
                bias ? Vector(WeightNames.Bias(layer, projection), rows) : null);

            int hidden = shape.HiddenSize;
            var embedding = Matrix(WeightNames.Embedding, shape.VocabSize, hidden);
            DenseMatrix? head = shape.TiedEmbeddings ? null : Matrix(WeightNames.LmHead, shape.VocabSize, hidden);
            var layers = new LayerWeights[shape.LayerCount];
            for (int i = 0; i < shape.LayerCount; i++)
            {
                layers[i] = new LayerWeights
                {
                    InputNorm = Vector(WeightNames.InputNorm(i), hidden),
                    Query = Linear(i, Projection.Query, shape.QueryWidth, hidden, shape.QkvBias),
                    Key = Linear(i, Projection.Key, shape.KvWidth, hidden, shape.QkvBias),
                    Value = Linear(i, Projection.Value, shape.KvWidth, hidden, shape.QkvBias),
                    Output = Linear(i, Projection.Output, hidden, shape.QueryWidth, shape.OutputBias),
                    PostAttentionNorm = Vector(WeightNames.PostAttentionNorm(i), hidden),
                    Gate = Linear(i, Projection.Gate, shape.IntermediateSize, hidden, false),
                    Up = Linear(i, Projection.Up, shape.IntermediateSize, hidden, false),
                    Down = Linear(i, Projection.Down, hidden, shape.IntermediateSize, false),
                };
            }
            var finalNorm = Vector(WeightNames.FinalNorm, hidden);
            return ModelWeights.Owning(embedding, head, finalNorm, layers, source);
        }
        catch
        {
            foreach (var matrix in owned)
            {
                matrix.Dispose();
            }
            throw;
        }
    }
}
