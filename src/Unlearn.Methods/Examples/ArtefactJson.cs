// Writing and reading the JSON artefacts of the method stages (examples.json, stats.json, index.json,
// selection.json, probe.json, tokens.json): indented UTF-8 with readable non-ASCII text, numbers in their
// shortest round-trip form, so the same values always give the same bytes. Shared by the four method areas;
// not a general JSON library.
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Unlearn.Methods.Examples;

internal static class ArtefactJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Builds the document in memory, then writes it in one call (a stage writes into a scratch folder that is
    /// renamed into place only when complete, so a crash never leaves a half-written artefact in the store).</summary>
    public static void Write(string path, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        buffer.WriteByte((byte)'\n');
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>A finite double as a number; NaN or ±∞ (which JSON cannot hold) as null.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteIntArray(this Utf8JsonWriter writer, string name, IEnumerable<int> values)
    {
        writer.WriteStartArray(name);
        foreach (int value in values)
        {
            writer.WriteNumberValue(value);
        }
        writer.WriteEndArray();
    }

    public static void WriteStringArray(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>Parses <paramref name="path"/>; a syntax error becomes <paramref name="fail"/>(message with line and position).</summary>
    public static JsonDocument Parse(string path, Func<string, Exception> fail)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException exception)
        {
            throw fail($"the file does not exist ({exception.Message}).");
        }
        catch (DirectoryNotFoundException exception)
        {
            throw fail($"the file does not exist ({exception.Message}).");
        }
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw fail($"not valid JSON at line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1} ({exception.Message}).");
        }
    }
}
