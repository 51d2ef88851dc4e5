// A prompt file (repair.forget.forget_prompts, repair.forget.retain_prompts): a JSON list of strings, or one prompt per
// non-empty line. Read the same way by Repair and by the load-time content checks, so that a malformed file fails
// before any stage runs, with the file and line of the problem.
using System.Text.Json;

namespace Unlearn.Experiments.Stages;

internal static class PromptList
{
    /// <exception cref="PromptListException">Not a JSON list of strings, an empty list, or an empty prompt.</exception>
    public static IReadOnlyList<string> Read(string path, string field)
    {
        var text = File.ReadAllText(path);
        if (!text.TrimStart().StartsWith('['))
        {
            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
            return lines.Length > 0 ? lines : throw new PromptListException(path, field, null, "the file holds no prompt; give a JSON list of strings or one prompt per line.");
        }
        using var document = Parse(text, path, field);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new PromptListException(path, field, 1, "not a JSON list of strings.");
        }
        var prompts = new List<string>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw new PromptListException(path, field, LineOf(text, prompts.Count),
                    $"item {prompts.Count} is {(item.ValueKind == JsonValueKind.String ? "an empty prompt" : $"a {item.ValueKind.ToString().ToLowerInvariant()}, not a string")}; every item must be a non-empty prompt.");
            }
            prompts.Add(item.GetString()!);
        }
        return prompts.Count > 0 ? prompts : throw new PromptListException(path, field, 1, "the list is empty; give at least one prompt.");
    }

    private static JsonDocument Parse(string text, string path, string field)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new PromptListException(path, field, (int?)(e.LineNumber + 1), $"not a JSON list of strings ({e.Message}); give a JSON list or one prompt per line.");
        }
    }

    // The 1-based line of the index-th item of a JSON list (items are found by a reader, not by splitting text).
    private static int? LineOf(string text, int index)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes);
        int item = -1;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject) && ++item == index)
            {
                return bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n') + 1;
            }
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                reader.Skip();
            }
        }
        return null;
    }
}

/// <summary>A prompt file cannot be used; <see cref="Line"/> is 1-based where known.</summary>
internal sealed class PromptListException(string path, string field, int? line, string problem)
    : InvalidOperationException($"{path}{(line is null ? "" : $":{line}")} ('{field}'): {problem}")
{
    public string FilePath { get; } = path;

    public string Field { get; } = field;

    public int? Line { get; } = line;

    public string Problem { get; } = problem;
}
