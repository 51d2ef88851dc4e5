// Writes a model as a GGUF v3 file that llama.cpp runs, following its converter (convert_hf_to_gguf.py, conversion/
// llama.py and qwen.py, in the llama.cpp sources bundled with node-llama-cpp 3.21.1; see docs/export.md):
//   - architecture "llama" (Llama 2/3/3.x) or "qwen2"; hyper-parameters under "{arch}.*";
//   - llama: q_proj/k_proj rows (and biases) permuted from Hugging Face's rotate_half layout back to Meta's
//     interleaved pairs (LlamaModel.permute), because llama.cpp's "llama" RoPE rotates adjacent pairs; qwen2 uses the
//     NEOX (rotate_half) RoPE and is written as it is;
//   - llama3 RoPE scaling as the rope_freqs.weight tensor of per-frequency divisors (LlamaModel.generate_extra_tensors);
//   - tied embeddings: no output.weight (llama.cpp reuses token_embd);
//   - 1-D tensors in F32, 2-D weights in the chosen type; Q8_0 falls back to F16 for rows that are not whole
//     32-value blocks, as the converter's QuantError fallback does.
using System.Runtime.InteropServices;
using Unlearn.Models.Formats.Gguf;
using Unlearn.Models.Formats.Kernels;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Export.Gguf;

public static partial class GgufExporter
{
    /// <summary>GGML_QUANT_VERSION from ggml.h, which the converter always writes as general.quantization_version.</summary>
    private const uint QuantizationVersion = 2;

    /// <exception cref="ExportRefusedException">A shape llama.cpp's architecture cannot express, or a tokenizer it cannot run.</exception>
    public static void Write(LlamaModel model, GgufExportOptions options, string path)
    {
        var writer = Build(model, options);
        writer.Save(path);
    }

    /// <summary>The GGUF architecture name for a shape: "llama" or "qwen2".</summary>
    public static string ArchitectureOf(TransformerShape shape)
    {
        if (shape.Architecture.StartsWith("Qwen2", StringComparison.Ordinal))
        {
            if (shape.QueryWidth != shape.HiddenSize)
            {
                throw new ExportRefusedException($"llama.cpp's qwen2 architecture needs num_attention_heads × head_dim = hidden_size; this model has {shape.HeadCount} × {shape.HeadDim} ≠ {shape.HiddenSize}.");
            }
            return "qwen2";
        }
        return "llama";
    }

    internal static GgufWriter Build(LlamaModel model, GgufExportOptions options)
    {
        var shape = model.Shape;
        var weights = model.Weights;
        string arch = ArchitectureOf(shape);
        bool permute = arch == "llama";
        var writer = new GgufWriter();
        writer.AddString("general.architecture", arch);
        writer.AddString("general.type", "model");
        writer.AddString("general.name", options.Name);
        writer.AddUInt32($"{arch}.vocab_size", (uint)shape.VocabSize);
        writer.AddUInt32($"{arch}.block_count", (uint)shape.LayerCount);
        writer.AddUInt32($"{arch}.context_length", (uint)shape.MaxPositions);
        writer.AddUInt32($"{arch}.embedding_length", (uint)shape.HiddenSize);
        writer.AddUInt32($"{arch}.feed_forward_length", (uint)shape.IntermediateSize);
        writer.AddUInt32($"{arch}.attention.head_count", (uint)shape.HeadCount);
        writer.AddUInt32($"{arch}.attention.head_count_kv", (uint)shape.KvHeadCount);
        writer.AddFloat32($"{arch}.rope.freq_base", (float)shape.RopeTheta);
        writer.AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", shape.RmsNormEps);
        writer.AddUInt32($"{arch}.attention.key_length", (uint)shape.HeadDim);
        writer.AddUInt32($"{arch}.attention.value_length", (uint)shape.HeadDim);
        writer.AddUInt32($"{arch}.rope.dimension_count", (uint)shape.HeadDim);
        writer.AddUInt32("general.file_type", options.DType.FileType());
        writer.AddUInt32("general.quantization_version", QuantizationVersion);
        AddTokenizer(writer, options, shape.VocabSize);

        AddMatrix(writer, GgufTensorNames.TokenEmbedding, weights.Embedding, options.DType, null);
        if (shape.RopeScaling is { } scaling)
        {
            var factors = Llama3RopeFactors(shape.HeadDim, shape.RopeTheta, scaling);
            AddVector(writer, GgufTensorNames.RopeFrequencies, factors, null);
        }
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var layer = weights.Layers[i];
            AddVector(writer, GgufTensorNames.AttentionNorm(i), layer.InputNorm, null);
            foreach (var projection in WeightNames.All)
            {
                if (projection == Projection.Gate)
                {
                    AddVector(writer, GgufTensorNames.FeedForwardNorm(i), layer.PostAttentionNorm, null);
                }
                var linear = layer[projection];
                int? heads = !permute ? null : projection switch
                {
                    Projection.Query => shape.HeadCount,
                    Projection.Key => shape.KvHeadCount,
                    _ => null,
                };
                AddMatrix(writer, GgufTensorNames.Weight(i, projection), linear.Weight, options.DType, heads);
                if (linear.Bias is { } bias)
                {
                    AddVector(writer, GgufTensorNames.Bias(i, projection), bias, heads);
                }
            }
        }
        AddVector(writer, GgufTensorNames.OutputNorm, weights.FinalNorm, null);
        if (weights.LmHead is { } head)
        {
            AddMatrix(writer, GgufTensorNames.Output, head, options.DType, null);
        }
        return writer;
    }

    /// <summary>
    /// Row order that undoes Hugging Face's rotate_half permutation for one projection (LlamaModel.permute): within
    /// each head of <c>headDim</c> rows, output row 2i comes from row i and row 2i+1 from row i + headDim/2.
    /// </summary>
    public static int[] InterleavedRowOrder(int headCount, int headDim)
    {
        int half = headDim / 2;
        var order = new int[headCount * headDim];
        for (int h = 0; h < headCount; h++)
        {
            for (int i = 0; i < half; i++)
            {
                order[h * headDim + 2 * i] = h * headDim + i;
                order[h * headDim + 2 * i + 1] = h * headDim + half + i;
            }
        }
        return order;
    }

    /// <summary>
    /// llama.cpp's rope_freqs for rope_type llama3, as the converter computes them in float32: for each frequency
    /// f_i = 1/θ^(2i/d), the divisor 1 (wavelength below the high-frequency cutoff), factor (above the low-frequency
    /// cutoff), or 1/((1 − s)/factor + s) with s = (L/λ − low)/(high − low) in between.
    /// </summary>
    public static float[] Llama3RopeFactors(int headDim, double theta, Numerics.Kernels.Llama3RopeScaling scaling)
    {
        float factor = (float)scaling.Factor;
        float low = (float)scaling.LowFreqFactor;
        float high = (float)scaling.HighFreqFactor;
        float context = scaling.OriginalMaxPositionEmbeddings;
        double lowFreqWavelength = context / scaling.LowFreqFactor;
        double highFreqWavelength = context / scaling.HighFreqFactor;
        var factors = new float[headDim / 2];
        for (int i = 0; i < factors.Length; i++)
        {
            float frequency = 1f / MathF.Pow((float)theta, (float)(2 * i) / headDim);
            float wavelength = (float)(2 * Math.PI) / frequency;
            if (wavelength < highFreqWavelength)
            {
                factors[i] = 1f;
            }
            else if (wavelength > lowFreqWavelength)
            {
                factors[i] = factor;
            }
            else
            {
                float smooth = (context / wavelength - low) / (high - low);
                factors[i] = 1f / ((1f - smooth) / factor + smooth);
            }
        }
        return factors;
    }

    private static void AddVector(GgufWriter writer, string name, float[] values, int? heads)
    {
        var data = values;
        if (heads is int headCount)
        {
            var order = InterleavedRowOrder(headCount, values.Length / headCount);
            data = order.Select(r => values[r]).ToArray();
        }
        writer.AddTensor(name, GgmlType.F32, [data.Length], stream => stream.Write(MemoryMarshal.AsBytes(data.AsSpan())));
    }

    private static unsafe void AddMatrix(GgufWriter writer, string name, DenseMatrix matrix, GgmlType dtype, int? heads)
    {
        int rows = matrix.Rows;
        int columns = matrix.Columns;
        var type = dtype == GgmlType.Q8_0 && columns % Q8_0Blocks.BlockSize != 0 ? GgmlType.F16 : dtype;
        var order = heads is int headCount ? InterleavedRowOrder(headCount, rows / headCount) : null;
        writer.AddTensor(name, type, [columns, rows], stream =>
        {
            var encoded = new byte[type.RowBytes(columns)];
            var halves = type is GgmlType.F16 or GgmlType.BF16 ? new ushort[columns] : null;
            for (int r = 0; r < rows; r++)
            {
                var row = matrix.Row(order?[r] ?? r);
                switch (type)
                {
                    case GgmlType.F32:
                        stream.Write(MemoryMarshal.AsBytes(row));
                        continue;
                    case GgmlType.F16:
                        Float16Narrowing.Narrow(row, halves!);
                        break;
                    case GgmlType.BF16:
                        BFloat16Narrowing.Narrow(row, halves!);
                        break;
                    case GgmlType.Q8_0:
                        Q8_0Blocks.Quantize(row, encoded);
                        stream.Write(encoded);
                        continue;
                }
                stream.Write(MemoryMarshal.AsBytes(halves!.AsSpan()));
            }
        });
    }
}
