// Parses and validates a safetensors JSON header against the size of the data region that follows
// it. Pure function of (header bytes, data length): no file access, so every rule is cheap to fuzz.
// Layout rule, as the reference implementation enforces it: sorted by offset, the tensors tile the
// data region exactly — the first starts at 0, each starts where the previous ended, the last ends
// at the end of the file. A gap is refused (it is how a corrupt or hand-edited header shows up), as
// are overlaps and bytes after the last tensor.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Unlearn.Models.Formats;

internal sealed record SafetensorsEntry(string Name, SafetensorsDType DType, ImmutableArray<long> Shape, long ElementCount, long Begin, long End);

internal sealed record SafetensorsHeaderContents(Dictionary<string, string> Metadata, IReadOnlyList<SafetensorsEntry> Entries);

internal static class SafetensorsHeader
{
    /// <summary>The reference implementation refuses headers above 100 MB; so do we.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    public static SafetensorsHeaderContents Parse(ReadOnlySpan<byte> header, long dataLength, string path)
    {
        if (header.IsEmpty)
        {
            throw new SafetensorsFormatException(path, "the header length field is 0, so there is no JSON header; this is not a safetensors file.");
        }
        if (!Utf8.IsValid(header))
        {
            throw new SafetensorsFormatException(path, "the header is not valid UTF-8 (corrupt file, or not a safetensors file).");
        }
        int firstNonSpace = header.IndexOfAnyExcept(" \t\r\n"u8);
        if (firstNonSpace < 0 || header[firstNonSpace] != (byte)'{')
        {
            string start = firstNonSpace < 0 ? "only whitespace" : $"'{Encoding.UTF8.GetString(header.Slice(firstNonSpace, Math.Min(16, header.Length - firstNonSpace)))}'";
            throw new SafetensorsFormatException(path, $"the header is not a JSON object (it starts with {start}); this is not a safetensors file.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            throw new SafetensorsFormatException(path, $"the header is not valid JSON ({exception.Message}); the file is corrupt.", innerException: exception);
        }

        using (document)
        {
            return ParseRoot(document.RootElement, dataLength, path);
        }
    }

    private static SafetensorsHeaderContents ParseRoot(JsonElement root, long dataLength, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"the header is a JSON {root.ValueKind}, not an object; this is not a safetensors file.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<SafetensorsEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                string what = property.Name == MetadataKey ? "'__metadata__' appears" : $"tensor '{property.Name}' is listed";
                throw new SafetensorsFormatException(path, $"{what} twice in the header; the file is corrupt.", property.Name == MetadataKey ? null : property.Name);
            }
            if (property.Name == MetadataKey)
            {
                ParseMetadata(property.Value, metadata, path);
            }
            else
            {
                entries.Add(ParseEntry(property.Name, property.Value, path));
            }
        }

        // Sort by offset (then name, so error messages do not depend on header order) and check the tiling.
        entries.Sort(static (left, right) =>
        {
            int order = left.Begin.CompareTo(right.Begin);
            if (order == 0)
            {
                order = left.End.CompareTo(right.End);
            }
            return order != 0 ? order : string.CompareOrdinal(left.Name, right.Name);
        });
        CheckLayout(entries, dataLength, path);
        return new SafetensorsHeaderContents(metadata, entries);
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"'__metadata__' must be an object of strings, but it is a JSON {value.ValueKind}.");
        }
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path, $"'__metadata__.{item.Name}' must be a string, but it is a JSON {item.Value.ValueKind}.");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new SafetensorsFormatException(path, $"'__metadata__.{item.Name}' appears twice in the header; the file is corrupt.");
            }
        }
    }

    private static SafetensorsEntry ParseEntry(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': the entry is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets.", name);
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty field in value.EnumerateObject())
        {
            if (!fields.Add(field.Name))
            {
                throw new SafetensorsFormatException(path, $"tensor '{name}': field '{field.Name}' appears twice; the header is corrupt.", name);
            }
            // Unknown fields are ignored, as the reference implementation ignores them.
            switch (field.Name)
            {
                case "dtype": dtypeElement = field.Value; break;
                case "shape": shapeElement = field.Value; break;
                case "data_offsets": offsetsElement = field.Value; break;
            }
        }

        SafetensorsDType dtype = ParseDType(name, dtypeElement, path);
        ImmutableArray<long> shape = ParseIntegers(name, "shape", shapeElement, expectedCount: null, path);
        ImmutableArray<long> offsets = ParseIntegers(name, "data_offsets", offsetsElement, expectedCount: 2, path);
        long begin = offsets[0], end = offsets[1];

        long elementCount = 1;
        long byteCount;
        try
        {
            foreach (long dimension in shape)
            {
                elementCount = checked(elementCount * dimension);
            }
            byteCount = checked(elementCount * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': shape {FormatShape(shape)} is too large (its byte size overflows 64 bits); the header is corrupt.", name);
        }
        if (end < begin)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin; the header is corrupt.", name);
        }
        if (end - begin != byteCount)
        {
            throw new SafetensorsFormatException(
                path,
                $"tensor '{name}': shape {FormatShape(shape)} × {dtype.HeaderName()} ({dtype.ElementSize()} bytes) needs {byteCount} bytes, " +
                $"but data_offsets [{begin}, {end}] span {end - begin}; the header is corrupt.",
                name);
        }
        return new SafetensorsEntry(name, dtype, shape, elementCount, begin, end);
    }

    private static SafetensorsDType ParseDType(string name, JsonElement? element, string path)
    {
        if (element is not { ValueKind: JsonValueKind.String } dtypeElement)
        {
            string problem = element is null ? "has no 'dtype' field" : $"has a 'dtype' that is a JSON {element.Value.ValueKind}, not a string";
            throw new SafetensorsFormatException(path, $"tensor '{name}' {problem}.", name);
        }
        string text = dtypeElement.GetString()!;
        if (!SafetensorsDTypeExtensions.TryParseHeaderName(text, out SafetensorsDType dtype))
        {
            throw new SafetensorsFormatException(
                path, $"tensor '{name}': dtype '{text}' is not supported (supported: {SafetensorsDTypeExtensions.SupportedNames}).", name);
        }
        return dtype;
    }

    private static ImmutableArray<long> ParseIntegers(string name, string field, JsonElement? element, int? expectedCount, string path)
    {
        string expected = expectedCount == 2 ? "[begin, end] with two non-negative integers" : "an array of non-negative integers";
        if (element is not { ValueKind: JsonValueKind.Array } array)
        {
            string problem = element is null ? $"has no '{field}' field" : $"has a '{field}' that is a JSON {element.Value.ValueKind}";
            throw new SafetensorsFormatException(path, $"tensor '{name}' {problem}; expected {expected}.", name);
        }
        int length = array.GetArrayLength();
        if (expectedCount is int count && length != count)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': '{field}' has {length} values; expected {expected}.", name);
        }
        var builder = ImmutableArray.CreateBuilder<long>(length);
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0)
            {
                throw new SafetensorsFormatException(path, $"tensor '{name}': '{field}' holds {item.GetRawText()}; expected {expected}.", name);
            }
            builder.Add(number);
        }
        return builder.MoveToImmutable();
    }

    private static void CheckLayout(List<SafetensorsEntry> entries, long dataLength, string path)
    {
        long expectedBegin = 0;
        SafetensorsEntry? previous = null;
        foreach (SafetensorsEntry entry in entries)
        {
            if (entry.Begin < expectedBegin)
            {
                throw new SafetensorsFormatException(
                    path,
                    $"tensor '{entry.Name}' (bytes {entry.Begin}..{entry.End}) overlaps tensor '{previous!.Name}' (bytes {previous.Begin}..{previous.End}); the header is corrupt.",
                    entry.Name);
            }
            if (entry.Begin > expectedBegin)
            {
                string after = previous is null ? "the start of the data region" : $"tensor '{previous.Name}' (which ends at byte {previous.End})";
                throw new SafetensorsFormatException(
                    path,
                    $"there is a gap of {entry.Begin - expectedBegin} bytes between {after} and tensor '{entry.Name}' (which begins at byte {entry.Begin}); " +
                    "safetensors files have none, so the header is corrupt or was edited by hand.",
                    entry.Name);
            }
            expectedBegin = entry.End;
            previous = entry;
        }

        if (expectedBegin > dataLength)
        {
            SafetensorsEntry firstMissing = entries.First(entry => entry.End > dataLength);
            throw new SafetensorsFormatException(
                path,
                $"the header says the tensor data is {ByteSize.Describe(expectedBegin)} but the file has {ByteSize.Describe(dataLength)} after the header " +
                $"(truncated download?); tensor '{firstMissing.Name}' is the first one cut off. Download the file again.",
                firstMissing.Name);
        }
        if (expectedBegin < dataLength)
        {
            throw new SafetensorsFormatException(
                path,
                $"the file has {ByteSize.Describe(dataLength - expectedBegin)} after the last tensor's data (the header accounts for {ByteSize.Describe(expectedBegin)}); " +
                "the file is corrupt or something was appended to it.");
        }
    }

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
