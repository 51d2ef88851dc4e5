// Reads a GGUF written for llama.cpp's "llama" or "qwen2" architecture back into this runtime: the shape from the
// {arch}.* metadata, the tensors widened or dequantized to float32, q/k rows permuted back from Meta's interleaved
// layout to rotate_half. For tests and checks (what exactly does an f16 or q8_0 file hold?); the product loads
// Hugging Face folders. The llama3 RoPE scaling is not recoverable from rope_freqs alone: the caller passes it.
using Unlearn.Models.Formats;
using Unlearn.Models.Formats.Gguf;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Export.Gguf;

public static class GgufModelReader
{
    public static LlamaModel Load(GgufFile file, IGemm gemm, Llama3RopeScaling? ropeScaling = null)
    {
        string arch = file.GetString("general.architecture");
        if (arch is not ("llama" or "qwen2"))
        {
            throw new ModelFormatException(file.Path, $"general.architecture is '{arch}'; only llama and qwen2 files are read.");
        }
        var embeddingInfo = file.Tensor(GgufTensorNames.TokenEmbedding);
        int hidden = (int)file.GetUInt32($"{arch}.embedding_length");
        int heads = (int)file.GetUInt32($"{arch}.attention.head_count");
        int layers = (int)file.GetUInt32($"{arch}.block_count");
        bool tied = !file.Tensors.Any(t => t.Name == GgufTensorNames.Output);
        bool qkvBias = file.Tensors.Any(t => t.Name == GgufTensorNames.Bias(0, Projection.Query));
        if (file.Tensors.Any(t => t.Name == GgufTensorNames.RopeFrequencies) && ropeScaling is null)
        {
            throw new ModelFormatException(file.Path, "the file has rope_freqs (llama3 RoPE scaling); pass the scaling parameters to load it.");
        }
        var shape = new TransformerShape
        {
            Architecture = arch == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM",
            HiddenSize = hidden,
            IntermediateSize = (int)file.GetUInt32($"{arch}.feed_forward_length"),
            LayerCount = layers,
            HeadCount = heads,
            KvHeadCount = (int)file.GetUInt32($"{arch}.attention.head_count_kv"),
            HeadDim = file.Metadata.ContainsKey($"{arch}.attention.key_length") ? (int)file.GetUInt32($"{arch}.attention.key_length") : hidden / heads,
            VocabSize = (int)embeddingInfo.Dimensions[1],
            RmsNormEps = file.GetFloat32($"{arch}.attention.layer_norm_rms_epsilon"),
            RopeTheta = file.GetFloat32($"{arch}.rope.freq_base"),
            RopeScaling = ropeScaling,
            TiedEmbeddings = tied,
            QkvBias = qkvBias,
            OutputBias = file.Tensors.Any(t => t.Name == GgufTensorNames.Bias(0, Projection.Output)),
            MaxPositions = (int)file.GetUInt32($"{arch}.context_length"),
        };
        bool permuted = arch == "llama";
        var owned = new List<DenseMatrix>();
        try
        {
            DenseMatrix Matrix(string name, string hfName, int rows, int columns, int? permuteHeads)
            {
                var info = file.Tensor(name);
                if (info.Dimensions.Length != 2 || info.Dimensions[0] != columns || info.Dimensions[1] != rows)
                {
                    throw new ModelFormatException(file.Path, $"tensor '{name}' has dimensions [{string.Join(", ", info.Dimensions)}]; the metadata implies [{columns}, {rows}].");
                }
                var values = file.ReadFloat32(name);
                var matrix = DenseMatrix.Allocate(rows, columns, hfName);
                owned.Add(matrix);
                var order = permuteHeads is int h ? GgufExporter.InterleavedRowOrder(h, rows / h) : null;
                for (int r = 0; r < rows; r++)
                {
                    // File row r holds the rotate_half row order[r].
                    values.AsSpan(r * columns, columns).CopyTo(matrix.Row(order?[r] ?? r));
                }
                return matrix;
            }

            float[] Vector(string name, int length, int? permuteHeads)
            {
                var values = file.ReadFloat32(name);
                if (values.Length != length)
                {
                    throw new ModelFormatException(file.Path, $"tensor '{name}' has {values.Length} values; the metadata implies {length}.");
                }
                if (permuteHeads is not int h)
                {
                    return values;
                }
                var order = GgufExporter.InterleavedRowOrder(h, length / h);
                var restored = new float[length];
                for (int r = 0; r < length; r++)
                {
                    restored[order[r]] = values[r];
                }
                return restored;
            }

            int? Heads(Projection p) => !permuted ? null : p == Projection.Query ? shape.HeadCount : p == Projection.Key ? shape.KvHeadCount : null;
            (int Rows, int Columns) Size(Projection p) => p switch
            {
                Projection.Query => (shape.QueryWidth, hidden),
                Projection.Key or Projection.Value => (shape.KvWidth, hidden),
                Projection.Output => (hidden, shape.QueryWidth),
                Projection.Gate or Projection.Up => (shape.IntermediateSize, hidden),
                _ => (hidden, shape.IntermediateSize),
            };
            LinearWeight Linear(int layer, Projection p, bool bias)
            {
                var (rows, columns) = Size(p);
                var weight = Matrix(GgufTensorNames.Weight(layer, p), WeightNames.Weight(layer, p), rows, columns, Heads(p));
                return new LinearWeight(weight, bias ? Vector(GgufTensorNames.Bias(layer, p), rows, Heads(p)) : null);
            }

            var embedding = Matrix(GgufTensorNames.TokenEmbedding, WeightNames.Embedding, shape.VocabSize, hidden, null);
            var head = tied ? null : Matrix(GgufTensorNames.Output, WeightNames.LmHead, shape.VocabSize, hidden, null);
            var layerWeights = new LayerWeights[layers];
            for (int i = 0; i < layers; i++)
            {
                layerWeights[i] = new LayerWeights
                {
                    InputNorm = Vector(GgufTensorNames.AttentionNorm(i), hidden, null),
                    Query = Linear(i, Projection.Query, shape.QkvBias),
                    Key = Linear(i, Projection.Key, shape.QkvBias),
                    Value = Linear(i, Projection.Value, shape.QkvBias),
                    Output = Linear(i, Projection.Output, shape.OutputBias),
                    PostAttentionNorm = Vector(GgufTensorNames.FeedForwardNorm(i), hidden, null),
                    Gate = Linear(i, Projection.Gate, false),
                    Up = Linear(i, Projection.Up, false),
                    Down = Linear(i, Projection.Down, false),
                };
            }
            var weights = ModelWeights.Owning(embedding, head, Vector(GgufTensorNames.OutputNorm, hidden, null), layerWeights);
            return new LlamaModel(shape, weights, gemm);
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
