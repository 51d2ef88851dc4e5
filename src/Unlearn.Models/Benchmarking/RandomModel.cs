// A model of a given shape with seeded random weights (uniform with standard deviation `scale`, by default HF's 0.02
// init), small random biases and unit norms, built in memory for speed and memory measurements and for checks that
// need a model with a real vocabulary (`unlearn make-model`). Not meant to produce sensible text.
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Tensors;
using Unlearn.Numerics.Threading;

namespace Unlearn.Models.Benchmarking;

public static class RandomModel
{
    /// <param name="scale">Standard deviation of the weights (0.02 gives logits with little spread; a few tenths give
    /// a peaked next-token distribution, so greedy decoding has clear winners).</param>
    public static LlamaModel Create(TransformerShape shape, IGemm gemm, ulong seed = 0, float scale = 0.02f)
    {
        int matrixIndex = 0;
        DenseMatrix Matrix(string name, int rows, int columns)
        {
            var matrix = DenseMatrix.Allocate(rows, columns, name);
            Fill(matrix, seed + (ulong)matrixIndex++, scale);
            return matrix;
        }

        float[] Bias(int rows)
        {
            var random = SeededRandom.ForSequence(seed + (ulong)matrixIndex++, 1_000_000);
            return Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() - 0.5) * scale * MathF.Sqrt(12f))).ToArray();
        }

        LinearWeight Linear(int layer, Projection projection, int rows, int columns, bool bias) =>
            new(Matrix(WeightNames.Weight(layer, projection), rows, columns), bias ? Bias(rows) : null);

        int hidden = shape.HiddenSize;
        var embedding = Matrix(WeightNames.Embedding, shape.VocabSize, hidden);
        var head = shape.TiedEmbeddings ? null : Matrix(WeightNames.LmHead, shape.VocabSize, hidden);
        var layers = new LayerWeights[shape.LayerCount];
        for (int i = 0; i < shape.LayerCount; i++)
        {
            layers[i] = new LayerWeights
            {
                InputNorm = Ones(hidden),
                Query = Linear(i, Projection.Query, shape.QueryWidth, hidden, shape.QkvBias),
                Key = Linear(i, Projection.Key, shape.KvWidth, hidden, shape.QkvBias),
                Value = Linear(i, Projection.Value, shape.KvWidth, hidden, shape.QkvBias),
                Output = Linear(i, Projection.Output, hidden, shape.QueryWidth, shape.OutputBias),
                PostAttentionNorm = Ones(hidden),
                Gate = Linear(i, Projection.Gate, shape.IntermediateSize, hidden, false),
                Up = Linear(i, Projection.Up, shape.IntermediateSize, hidden, false),
                Down = Linear(i, Projection.Down, hidden, shape.IntermediateSize, false),
            };
        }
        var weights = ModelWeights.Owning(embedding, head, Ones(hidden), layers);
        return new LlamaModel(shape, weights, gemm);
    }

    /// <summary>Bytes of fp32 weights a model of this shape holds.</summary>
    public static long WeightBytes(TransformerShape shape) => shape.ParameterCount * sizeof(float);

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();

    private static void Fill(DenseMatrix matrix, ulong seed, float std)
    {
        const int Chunk = 1 << 16;
        long count = matrix.ElementCount;
        int chunks = (int)((count + Chunk - 1) / Chunk);
        float scale = std * MathF.Sqrt(12f); // uniform on ±scale/2 has standard deviation std
        Parallelism.For(chunks, chunk =>
        {
            var random = SeededRandom.ForSequence(seed, chunk);
            long start = (long)chunk * Chunk;
            int length = (int)Math.Min(Chunk, count - start);
            var span = matrix.Span.Slice((int)start, length);
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (float)((random.NextDouble() - 0.5) * scale);
            }
        });
    }
}
