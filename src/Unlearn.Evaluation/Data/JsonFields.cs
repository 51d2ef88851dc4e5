// Small typed readers for JSON values that name the file, line and field on every error.
using System.Text.Json;

namespace Unlearn.Evaluation.Data;

internal static class JsonFields
{
    public static string String(JsonElement element, string field, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(field, out var value))
        {
            throw new EvaluationDataException(where, $"missing field '{field}'.");
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new EvaluationDataException(where, $"field '{field}' must be a string (got {value.ValueKind}).");
        }
        return value.GetString()!;
    }

    public static int Int(JsonElement element, string field, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(field, out var value))
        {
            throw new EvaluationDataException(where, $"missing field '{field}'.");
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number))
        {
            throw new EvaluationDataException(where, $"field '{field}' must be an integer.");
        }
        return number;
    }

    public static IReadOnlyList<string> StringArray(JsonElement element, string field, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(field, out var value))
        {
            throw new EvaluationDataException(where, $"missing field '{field}'.");
        }
        return StringArray(value, $"{where}: field '{field}'");
    }

    public static IReadOnlyList<string> StringArray(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new EvaluationDataException(where, $"must be an array of strings (got {value.ValueKind}).");
        }
        var list = new List<string>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new EvaluationDataException($"{where}[{index}]", $"must be a string (got {item.ValueKind}).");
            }
            list.Add(item.GetString()!);
            index++;
        }
        return list;
    }

    /// <summary>Each non-blank line of a JSON Lines file, parsed, with its "path:line" label.</summary>
    public static IEnumerable<(JsonElement Row, string Where)> ReadLines(string path)
    {
        var lines = ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }
            string where = $"{path}:{i + 1}";
            JsonElement row;
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                row = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new EvaluationDataException(where, $"not valid JSON ({e.Message}); each line must be one JSON object.");
            }
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw new EvaluationDataException(where, "each line must be one JSON object.");
            }
            yield return (row, where);
        }
    }

    public static JsonElement ReadDocument(string path)
    {
        string text = ReadAllText(path);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new EvaluationDataException(path, $"not valid JSON: {e.Message}");
        }
    }

    private static string[] ReadAllLines(string path) => ReadAllText(path).Split('\n');

    private static string ReadAllText(string path)
    {
        if (!File.Exists(path))
        {
            throw new EvaluationDataException(path, "file not found.");
        }
        return File.ReadAllText(path);
    }
}
