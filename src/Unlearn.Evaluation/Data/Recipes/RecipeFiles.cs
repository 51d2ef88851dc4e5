// What the data recipes share: their JSON and JSON-lines encodings (indented JSON with a final newline, one
// {"text": …} object per line), the provenance every recipe.json starts with (each weights file's SHA-256 and the GEMM
// that computed the samples), and the background-story rounds (BackgroundStories). Not a recipe itself.
using System.Security.Cryptography;
using System.Text.Json;
using Unlearn.Evaluation.Reports;
using Unlearn.Models;

namespace Unlearn.Evaluation.Data.Recipes;

internal static class RecipeFiles
{
    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, MetricsJson.WriterOptions))
        {
            write(w);
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>One {"text": …} object per line.</summary>
    public static byte[] TextLines(IEnumerable<string> texts)
    {
        using var stream = new MemoryStream();
        foreach (var text in texts)
        {
            using (var w = new Utf8JsonWriter(stream, MetricsJson.WriterOptions with { Indented = false }))
            {
                w.WriteStartObject();
                w.WriteString("text", text);
                w.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
        return stream.ToArray();
    }

    public static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WritePropertyName(name);
        StringArray(w, values);
    }

    public static void StringArray(Utf8JsonWriter w, IEnumerable<string> values)
    {
        w.WriteStartArray();
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    /// <summary>"model_files_sha256" (each safetensors file of the model folder, in name order) and "gemm".</summary>
    public static void Provenance(Utf8JsonWriter w, PretrainedModel model)
    {
        w.WriteStartArray("model_files_sha256");
        foreach (var file in Directory.GetFiles(model.Folder, "*.safetensors").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            w.WriteStringValue($"{Path.GetFileName(file)} {Convert.ToHexStringLower(SHA256.HashData(stream))}");
        }
        w.WriteEndArray();
        w.WriteString("gemm", model.Model.Gemm.Name);
    }
}
