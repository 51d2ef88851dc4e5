// The saved optimiser state is a safetensors file, so Python can read it too (safetensors.torch.load_file):
//   u64 little-endian N | N bytes of UTF-8 JSON, space-padded to a multiple of 8 | raw little-endian data
// The JSON maps each tensor name ("{parameter}.{slot}", e.g. "…q_proj.lora_A.weight.exp_avg") to
// {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]} (offsets into the data, in file order, no gaps), and
// "__metadata__" to string → string: format "unlearn.optimizer-state", format_version "1", optimizer, step, and the
// hyperparameters in round-trip decimal. Tensors are streamed straight into their arrays, so a state larger than
// 2 GB needs no single buffer of that size.
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Unlearn.Numerics.Optimization;

internal static class OptimizerStateFormat
{
    public const string FormatName = "unlearn.optimizer-state";
    public const string FormatVersion = "1";

    // A JSON header above 64 MB is not something this writer produces; refuse it before allocating.
    private const long MaximumHeaderBytes = 64L << 20;

    public sealed record Tensor(string Name, int[] Shape, float[] Values);

    public static void Write(Stream stream, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireLittleEndian();
        var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("__metadata__");
            writer.WriteString("format", FormatName);
            writer.WriteString("format_version", FormatVersion);
            foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    writer.WriteNumberValue(d);
                }
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += (long)tensor.Values.Length * sizeof(float);
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        int padding = (int)((8 - json.Length % 8) % 8);
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (ulong)(json.Length + padding));
        stream.Write(length);
        json.Position = 0;
        json.CopyTo(stream);
        for (int i = 0; i < padding; i++)
        {
            stream.WriteByte((byte)' ');
        }
        foreach (var tensor in tensors)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
        }
        stream.Flush();
    }

    /// <summary>
    /// Reads the header, asks <paramref name="destination"/> (name, shape) for the array to fill for each tensor, fills
    /// them in file order, and returns the metadata. Throws <see cref="OptimizerStateException"/> naming what is wrong.
    /// </summary>
    public static Dictionary<string, string> Read(Stream stream, string source, Func<string, int[], float[]> destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireLittleEndian();
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, source, "header length");
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength == 0 || headerLength > MaximumHeaderBytes)
        {
            throw new OptimizerStateException(source, "header", $"declares {headerLength} bytes of JSON; this is not an optimiser state file (or it is corrupt).");
        }
        var header = new byte[headerLength];
        ReadExactly(stream, header, source, "header");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
        try
        {
            using var document = JsonDocument.Parse(header);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var item in property.Value.EnumerateObject())
                    {
                        metadata[item.Name] = item.Value.GetString() ?? "";
                    }
                    continue;
                }
                var dtype = property.Value.GetProperty("dtype").GetString();
                if (dtype != "F32")
                {
                    throw new OptimizerStateException(source, property.Name, $"has dtype {dtype}; optimiser state is F32.");
                }
                int[] shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0]
                    || offsets[1] - offsets[0] != shape.Aggregate(1L, (product, d) => product * d) * sizeof(float))
                {
                    throw new OptimizerStateException(source, property.Name, $"has data_offsets [{string.Join(", ", offsets)}] that do not fit shape [{string.Join(", ", shape)}].");
                }
                entries.Add((property.Name, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new OptimizerStateException(source, "header", $"is not valid safetensors JSON ({error.Message}).", error);
        }
        if (metadata.GetValueOrDefault("format") != FormatName)
        {
            throw new OptimizerStateException(source, "__metadata__.format", $"is '{metadata.GetValueOrDefault("format")}', not '{FormatName}': this safetensors file is not an optimiser state.");
        }
        if (metadata.GetValueOrDefault("format_version") != FormatVersion)
        {
            throw new OptimizerStateException(source, "__metadata__.format_version", $"is '{metadata.GetValueOrDefault("format_version")}'; this build reads version {FormatVersion}.");
        }

        long position = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            if (entry.Begin != position)
            {
                throw new OptimizerStateException(source, entry.Name, $"starts at byte {entry.Begin} of the data but the previous tensor ended at {position} (overlap or gap).");
            }
            var values = destination(entry.Name, entry.Shape);
            ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan()), source, entry.Name);
            position = entry.End;
        }
        return metadata;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException error)
        {
            throw new OptimizerStateException(source, what, "is cut short: the file is truncated (was the run killed while saving?).", error);
        }
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Optimiser state files are little-endian; this machine is big-endian.");
        }
    }
}
