// Row masks stored as safetensors (masks.safetensors): one 1-D tensor per edited weight, named by its Hugging
// Face weight name (e.g. "model.layers.3.self_attn.o_proj.weight"), as long as the weight has rows (output
// features); 1 keeps the row, 0 zeroes it. U8 (the default) or F32. Metadata: format = unlearn-row-masks,
// version = 1. Reading gives the ModelEdits whose RowMasks zero the 0-rows; shapes are checked against a model
// when the edits are applied (ResolvedEdits), not here.
using Unlearn.Models.Formats;

namespace Unlearn.Models.Edits;

public enum RowMaskDType
{
    UInt8,
    Float32,
}

public static class RowMaskFile
{
    public const string Format = "unlearn-row-masks";
    public const string Version = "1";

    /// <summary>Writes one 0/1 mask per weight.</summary>
    /// <param name="prunedRows">Weight name → rows to zero.</param>
    /// <param name="rowCounts">Weight name → number of rows of that weight (the mask length); must cover every name in <paramref name="prunedRows"/>.</param>
    public static void Write(string path, IReadOnlyDictionary<string, int[]> prunedRows, IReadOnlyDictionary<string, int> rowCounts, RowMaskDType dtype = RowMaskDType.UInt8)
    {
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", Format);
        writer.SetMetadata("version", Version);
        foreach (var (name, rows) in prunedRows.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!rowCounts.TryGetValue(name, out int count))
            {
                throw new ArgumentException($"No row count given for weight '{name}'.", nameof(rowCounts));
            }
            var keep = new byte[count];
            Array.Fill(keep, (byte)1);
            foreach (int row in rows)
            {
                if ((uint)row >= (uint)count)
                {
                    throw new ArgumentException($"Row {row} of weight '{name}' is outside [0, {count}).", nameof(prunedRows));
                }
                keep[row] = 0;
            }
            if (dtype == RowMaskDType.UInt8)
            {
                writer.AddUInt8(name, keep, count);
            }
            else
            {
                writer.AddFloat32(name, keep.Select(k => (float)k).ToArray(), count);
            }
        }
        writer.Save(path);
    }

    /// <summary>Weight name → rows whose mask is 0, ascending.</summary>
    /// <exception cref="ModelFormatException">Not a row-mask file, or a tensor that is not a 1-D U8/F32 vector of 0s and 1s.</exception>
    public static IReadOnlyDictionary<string, int[]> ReadPrunedRows(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new ModelFormatException(path, $"not a row-mask file (metadata format is '{format ?? "absent"}', expected '{Format}'); masks.safetensors is written by the Saliency stage.");
        }
        var result = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            if (tensor.Shape.Length != 1)
            {
                throw new SafetensorsFormatException(path, $"mask '{tensor.Name}' has shape {string.Join("×", tensor.Shape)}; a row mask is a vector with one entry per row.", tensor.Name);
            }
            var pruned = new List<int>();
            var bytes = tensor.Bytes;
            for (int row = 0; row < tensor.ElementCount; row++)
            {
                float value = tensor.DType switch
                {
                    SafetensorsDType.UInt8 => bytes[row],
                    SafetensorsDType.Float32 => BitConverter.ToSingle(bytes.Slice(row * 4, 4)),
                    _ => throw new SafetensorsFormatException(path, $"mask '{tensor.Name}' is {tensor.DType.HeaderName()}; row masks are U8 or F32.", tensor.Name),
                };
                if (value == 0)
                {
                    pruned.Add(row);
                }
                else if (value != 1)
                {
                    throw new SafetensorsFormatException(path, $"mask '{tensor.Name}' holds {value} at row {row}; a row mask holds only 0 (pruned) and 1 (kept).", tensor.Name);
                }
            }
            result[tensor.Name] = pruned.ToArray();
        }
        return result;
    }

    /// <summary>The edits a mask file stands for: row masks only.</summary>
    public static ModelEdits Read(string path) => new(ReadPrunedRows(path), [], []);
}
