// A JSON value together with the file it came from and its JSON path, so every error can say where it is
// ("$.model.merges[12]"). Thin wrapper over System.Text.Json's JsonElement.
using System.Text.Json;

namespace Unlearn.Tokenizers.Json;

internal readonly struct JsonCursor(JsonElement element, string path, string file)
{
    public JsonElement Element { get; } = element;

    public string Path { get; } = path;

    public string File { get; } = file;

    public JsonValueKind Kind => Element.ValueKind;

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    /// <summary>Parses a whole file; malformed or truncated JSON becomes a <see cref="TokenizerFormatException"/>
    /// that gives the line and byte position.</summary>
    public static JsonDocument Parse(string file, byte[] bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? $"line {line + 1}, byte {e.BytePositionInLine + 1}" + (string.IsNullOrEmpty(e.Path) ? "" : $" ({e.Path})")
                : null;
            throw new TokenizerFormatException(file, where,
                $"the file is not valid JSON ({FirstSentence(e.Message)}); it may be truncated or corrupt - download it again", e);
        }
    }

    public static JsonCursor Root(JsonDocument document, string file) => new(document.RootElement, "$", file);

    public TokenizerFormatException Error(string problem) => new(File, Path, problem);

    public TokenizerNotSupportedException NotSupported(string problem) => new(File, Path, problem);

    public bool Has(string name) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var value)
        && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>A required property (present and not null).</summary>
    public JsonCursor Get(string name)
    {
        RequireKind(JsonValueKind.Object, "an object");
        if (!Element.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null)
        {
            throw new TokenizerFormatException(File, $"{Path}.{name}", "the field is missing");
        }
        return new JsonCursor(value, $"{Path}.{name}", File);
    }

    /// <summary>An optional property; null when absent or JSON null.</summary>
    public JsonCursor? Optional(string name)
    {
        RequireKind(JsonValueKind.Object, "an object");
        return Element.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null
            ? new JsonCursor(value, $"{Path}.{name}", File)
            : null;
    }

    public string GetString()
    {
        RequireKind(JsonValueKind.String, "a string");
        return Element.GetString()!;
    }

    public bool GetBoolean()
    {
        if (Element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Error($"expected true or false, found {Describe()}");
        }
        return Element.GetBoolean();
    }

    public int GetInt32()
    {
        RequireKind(JsonValueKind.Number, "an integer");
        if (!Element.TryGetInt32(out var value))
        {
            throw Error($"expected a 32-bit integer, found {Element.GetRawText()}");
        }
        return value;
    }

    public double GetDouble()
    {
        RequireKind(JsonValueKind.Number, "a number");
        return Element.GetDouble();
    }

    public string? OptionalString(string name) => Optional(name)?.GetString();

    public bool OptionalBoolean(string name, bool fallback) => Optional(name)?.GetBoolean() ?? fallback;

    public int OptionalInt32(string name, int fallback) => Optional(name)?.GetInt32() ?? fallback;

    public IEnumerable<JsonCursor> Items()
    {
        RequireKind(JsonValueKind.Array, "an array");
        var index = 0;
        foreach (var item in Element.EnumerateArray())
        {
            yield return new JsonCursor(item, $"{Path}[{index++}]", File);
        }
    }

    public int ArrayLength()
    {
        RequireKind(JsonValueKind.Array, "an array");
        return Element.GetArrayLength();
    }

    public IEnumerable<(string Name, JsonCursor Value)> Properties()
    {
        RequireKind(JsonValueKind.Object, "an object");
        foreach (var property in Element.EnumerateObject())
        {
            yield return (property.Name, new JsonCursor(property.Value, $"{Path}[{Quote(property.Name)}]", File));
        }
    }

    public void RequireKind(JsonValueKind kind, string description)
    {
        if (Element.ValueKind != kind)
        {
            throw Error($"expected {description}, found {Describe()}");
        }
    }

    private string Describe() => Element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Quote(Element.GetString()!)}",
        JsonValueKind.Number => $"the number {Element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => Element.GetRawText(),
        _ => "null",
    };

    /// <summary>A JSON string literal for messages, readable (no \u003C-style escaping of &lt; &gt; &amp; or non-ASCII).</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, ReadableOptions);

    private static readonly JsonSerializerOptions ReadableOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
