// Test-side reader of the safetensors layout (8-byte little-endian header length, JSON header, raw data), independent
// of the product's reader, so files Unlearn writes are checked by code that was not written with them.
using System.Buffers.Binary;
using System.Text.Json;

namespace Unlearn.Methods.Tests.Sae;

internal static class SafetensorsLayout
{
    public sealed record Entry(string DType, long[] Shape, byte[] Data);

    public static Dictionary<string, Entry> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var property in header.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                continue;
            }
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            result[property.Name] = new Entry(
                property.Value.GetProperty("dtype").GetString()!,
                property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                bytes.AsSpan((int)(8 + headerLength + offsets[0]), (int)(offsets[1] - offsets[0])).ToArray());
        }
        return result;
    }

    public static float[] Floats(Entry entry) =>
        Enumerable.Range(0, entry.Data.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(entry.Data.AsSpan(4 * i))).ToArray();
}
