// Writes a model's weights as Hugging Face safetensors: one model.safetensors, or shards
// model-0000k-of-0000n.safetensors with model.safetensors.index.json ({"metadata": {"total_size"}, "weight_map"},
// keys sorted, as transformers writes it) when the weights exceed the shard size. Tensors are taken in state-dict
// order and a shard is closed before the tensor that would push it past the limit (huggingface_hub's
// split_torch_state_dict_into_shards); a tensor larger than the limit gets a shard of its own. Tensors are converted
// row by row while the file is written, never held twice.
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Formats;
using Unlearn.Models.Formats.Kernels;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Export.HuggingFace;

public static class HuggingFaceWriter
{
    /// <summary>2 GB, the size above which the export shards (transformers' "2GB" = 2·10⁹ bytes).</summary>
    public const long DefaultMaxShardBytes = 2_000_000_000;

    /// <summary>Writes the weight files into <paramref name="folder"/>; returns the file names written.</summary>
    public static IReadOnlyList<string> WriteWeights(LlamaModel model, ExportDType dtype, string folder, long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var type = dtype.ToSafetensors();
        var tensors = Tensors(model, type).ToList();
        var shards = new List<List<Entry>> { new() };
        long shardBytes = 0;
        foreach (var tensor in tensors)
        {
            if (shards[^1].Count > 0 && shardBytes + tensor.ByteLength > maxShardBytes)
            {
                shards.Add([]);
                shardBytes = 0;
            }
            shards[^1].Add(tensor);
            shardBytes += tensor.ByteLength;
        }
        var files = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int s = 0; s < shards.Count; s++)
        {
            string file = shards.Count == 1 ? SafetensorsCheckpoint.SingleFileName : $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors";
            var writer = new SafetensorsWriter();
            writer.SetMetadata("format", "pt");
            foreach (var tensor in shards[s])
            {
                writer.AddStreamed(tensor.Name, type, tensor.Write, tensor.Shape);
                weightMap[tensor.Name] = file;
            }
            writer.Save(Path.Combine(folder, file));
            files.Add(file);
        }
        if (shards.Count > 1)
        {
            var map = new JsonObject();
            foreach (var (name, file) in weightMap)
            {
                map[name] = file;
            }
            var index = new JsonObject
            {
                ["metadata"] = new JsonObject { ["total_size"] = tensors.Sum(t => t.ByteLength) },
                ["weight_map"] = map,
            };
            ExportFiles.WriteJson(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), index);
            files.Add(SafetensorsCheckpoint.IndexFileName);
        }
        return files;
    }

    private sealed record Entry(string Name, long[] Shape, long ByteLength, Action<Stream> Write);

    /// <summary>The model's tensors in state-dict order (embedding, layers, final norm, LM head).</summary>
    private static IEnumerable<Entry> Tensors(LlamaModel model, SafetensorsDType type)
    {
        var weights = model.Weights;
        int size = type.ElementSize();
        Entry Matrix(string name, DenseMatrix m) => new(name, [m.Rows, m.Columns], (long)m.Rows * m.Columns * size, s => WriteRows(m, type, s));
        Entry Vector(string name, float[] v) => new(name, [v.Length], (long)v.Length * size, s => WriteRow(v, type, s));
        yield return Matrix(WeightNames.Embedding, weights.Embedding);
        for (int i = 0; i < model.Shape.LayerCount; i++)
        {
            var layer = weights.Layers[i];
            yield return Vector(WeightNames.InputNorm(i), layer.InputNorm);
            foreach (var projection in WeightNames.All)
            {
                if (projection == Projection.Gate)
                {
                    yield return Vector(WeightNames.PostAttentionNorm(i), layer.PostAttentionNorm);
                }
                yield return Matrix(WeightNames.Weight(i, projection), layer[projection].Weight);
                if (layer[projection].Bias is { } bias)
                {
                    yield return Vector(WeightNames.Bias(i, projection), bias);
                }
            }
        }
        yield return Vector(WeightNames.FinalNorm, weights.FinalNorm);
        if (weights.LmHead is { } head)
        {
            yield return Matrix(WeightNames.LmHead, head);
        }
    }

    private static void WriteRows(DenseMatrix matrix, SafetensorsDType type, Stream stream)
    {
        for (int r = 0; r < matrix.Rows; r++)
        {
            WriteRow(matrix.Row(r), type, stream);
        }
    }

    private static void WriteRow(ReadOnlySpan<float> row, SafetensorsDType type, Stream stream)
    {
        if (type == SafetensorsDType.Float32)
        {
            stream.Write(MemoryMarshal.AsBytes(row));
            return;
        }
        var narrowed = new ushort[row.Length];
        if (type == SafetensorsDType.Float16)
        {
            Float16Narrowing.Narrow(row, narrowed);
        }
        else
        {
            BFloat16Narrowing.Narrow(row, narrowed);
        }
        stream.Write(MemoryMarshal.AsBytes(narrowed.AsSpan()));
    }
}
