// What identifies a training run for resuming: its settings, a digest of the rendered examples, of the edits and of the
// adapter masks, the model shape and what computes it (the GEMM provider on the managed engine, else the runtime's
// Description; the thread count where the bits depend on it).
// A checkpoint resumes only a run with the same fingerprint, which is what makes the resumed run's weights equal the
// uninterrupted run's bit for bit.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.FineTuning;

internal static class RunFingerprint
{
    public static JsonObject Of(
        LoraTrainingSettings settings, IReadOnlyList<TrainingExample> examples, ModelEdits edits,
        IReadOnlyDictionary<string, float[]>? inputMasks, IReadOnlyDictionary<string, float[]>? outputMasks, TransformerShape shape, (string Name, string Value) compute) => new()
    {
        ["settings"] = settings.ToJson(),
        ["examples_sha256"] = ExamplesDigest(examples),
        ["edits_sha256"] = EditsDigest(edits),
        ["masks_sha256"] = MasksDigest(inputMasks, outputMasks),
        ["model_shape"] = $"{shape.Architecture} hidden {shape.HiddenSize} intermediate {shape.IntermediateSize} layers {shape.LayerCount} heads {shape.HeadCount}/{shape.KvHeadCount}×{shape.HeadDim} vocab {shape.VocabSize}",
        [compute.Name] = compute.Value,
    };

    public static string ExamplesDigest(IReadOnlyList<TrainingExample> examples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[4];
        foreach (var example in examples)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{example.Source}\n{example.Kind}\n{example.Length}\n"));
            foreach (int id in example.Ids)
            {
                BitConverter.TryWriteBytes(number, id);
                hash.AppendData(number);
            }
            foreach (int label in example.Labels)
            {
                BitConverter.TryWriteBytes(number, label);
                hash.AppendData(number);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string EditsDigest(ModelEdits edits)
    {
        var text = new StringBuilder();
        foreach (var (name, rows) in edits.RowMasks)
        {
            text.Append("rows ").Append(name).Append(' ').AppendJoin(',', rows).Append('\n');
        }
        text.Append("logits ").AppendJoin(',', edits.MaskedLogits).Append('\n');
        text.Append("embedding ").AppendJoin(',', edits.ZeroedEmbeddingRows).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string MasksDigest(IReadOnlyDictionary<string, float[]>? inputMasks, IReadOnlyDictionary<string, float[]>? outputMasks)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (side, masks) in new[] { ("input", inputMasks), ("output", outputMasks) })
        {
            foreach (var (name, mask) in (masks ?? new Dictionary<string, float[]>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{side} {name} {mask.Length}\n"));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(mask.AsSpan()));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
