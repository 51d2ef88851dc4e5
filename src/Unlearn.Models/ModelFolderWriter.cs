// Writes a model as a Hugging Face folder (config.json + model.safetensors, F32) that PretrainedModel.Load and
// transformers both read. Tensors are streamed from the model's memory, never buffered twice.
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models;

public static class ModelFolderWriter
{
    public static void Write(LlamaModel model, string folder)
    {
        Directory.CreateDirectory(folder);
        var shape = model.Shape;
        var weights = model.Weights;
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", "pt");
        AddMatrix(writer, weights.Embedding);
        if (weights.LmHead is { } head)
        {
            AddMatrix(writer, head);
        }
        writer.AddFloat32(WeightNames.FinalNorm, weights.FinalNorm, weights.FinalNorm.Length);
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var layer = weights.Layers[i];
            writer.AddFloat32(WeightNames.InputNorm(i), layer.InputNorm, layer.InputNorm.Length);
            writer.AddFloat32(WeightNames.PostAttentionNorm(i), layer.PostAttentionNorm, layer.PostAttentionNorm.Length);
            foreach (var projection in WeightNames.All)
            {
                var linear = layer[projection];
                AddMatrix(writer, linear.Weight);
                if (linear.Bias is { } bias)
                {
                    writer.AddFloat32(WeightNames.Bias(i, projection), bias, bias.Length);
                }
            }
        }
        writer.Save(Path.Combine(folder, "model.safetensors"));
        AtomicFile.Write(Path.Combine(folder, "config.json"), stream =>
        {
            using var text = new StreamWriter(stream, leaveOpen: true);
            text.Write(ConfigJson(shape).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        });
    }

    /// <summary>config.json for a shape, in the keys transformers' LlamaConfig / Qwen2Config use.</summary>
    public static JsonObject ConfigJson(TransformerShape shape)
    {
        bool qwen = shape.Architecture.StartsWith("Qwen2", StringComparison.Ordinal);
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(shape.Architecture),
            ["model_type"] = qwen ? "qwen2" : "llama",
            ["hidden_size"] = shape.HiddenSize,
            ["intermediate_size"] = shape.IntermediateSize,
            ["num_hidden_layers"] = shape.LayerCount,
            ["num_attention_heads"] = shape.HeadCount,
            ["num_key_value_heads"] = shape.KvHeadCount,
            ["head_dim"] = shape.HeadDim,
            ["vocab_size"] = shape.VocabSize,
            ["max_position_embeddings"] = shape.MaxPositions,
            ["rms_norm_eps"] = shape.RmsNormEps,
            ["rope_theta"] = shape.RopeTheta,
            ["tie_word_embeddings"] = shape.TiedEmbeddings,
            ["hidden_act"] = "silu",
            ["torch_dtype"] = "float32",
        };
        if (!qwen)
        {
            config["attention_bias"] = shape.QkvBias;
            config["mlp_bias"] = false;
        }
        config["rope_scaling"] = shape.RopeScaling is { } s
            ? new JsonObject
            {
                ["rope_type"] = "llama3",
                ["factor"] = s.Factor,
                ["low_freq_factor"] = s.LowFreqFactor,
                ["high_freq_factor"] = s.HighFreqFactor,
                ["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings,
            }
            : null;
        return config;
    }

    private static unsafe void AddMatrix(SafetensorsWriter writer, DenseMatrix matrix)
    {
        writer.AddStreamed(matrix.Name, SafetensorsDType.Float32, stream =>
        {
            const int RowsPerChunk = 1024;
            for (int row = 0; row < matrix.Rows; row += RowsPerChunk)
            {
                int rows = Math.Min(RowsPerChunk, matrix.Rows - row);
                var span = new ReadOnlySpan<float>(matrix.Pointer + (long)row * matrix.Columns, rows * matrix.Columns);
                stream.Write(MemoryMarshal.AsBytes(span));
            }
        }, matrix.Rows, matrix.Columns);
    }
}
