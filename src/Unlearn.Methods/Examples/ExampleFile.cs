// Reads and writes examples files in the seed format: {"concept_examples": [str...], "background_examples":
// [str...]}, with an optional "test_prompts" key that is accepted and ignored (the seed's sample file carries
// one). Any other key, a missing list, or an entry that is not a non-empty string is an error naming the
// file, the key and the index.
using System.Text.Json;

namespace Unlearn.Methods.Examples;

public static class ExampleFile
{
    public const string ConceptKey = "concept_examples";
    public const string BackgroundKey = "background_examples";
    public const string IgnoredKey = "test_prompts";

    /// <exception cref="ExamplesException">The file is missing, not JSON, or not in the seed format.</exception>
    public static ExampleLists Read(string path)
    {
        using var document = ArtefactJson.Parse(path, message => new ExamplesException($"Examples file '{path}': {message}"));
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, $"the top level is a JSON {Kind(root)}; expected an object with \"{ConceptKey}\" and \"{BackgroundKey}\" lists of strings.");
        }
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not (ConceptKey or BackgroundKey or IgnoredKey))
            {
                throw Fail(path, $"unknown key \"{property.Name}\"; the seed format has \"{ConceptKey}\", \"{BackgroundKey}\" (and \"{IgnoredKey}\", which is ignored).");
            }
        }
        return new ExampleLists(ReadList(path, root, ConceptKey), ReadList(path, root, BackgroundKey));
    }

    /// <summary>Writes the lists in the seed format (no test_prompts key).</summary>
    public static void Write(string path, ExampleLists examples)
    {
        ArtefactJson.Write(path, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStringArray(ConceptKey, examples.Concept);
            writer.WriteStringArray(BackgroundKey, examples.Background);
            writer.WriteEndObject();
        });
    }

    private static string[] ReadList(string path, JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var list))
        {
            throw Fail(path, $"the key \"{key}\" is missing; give a list of example strings (it may be empty only if the other list is not).");
        }
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Fail(path, $"\"{key}\" is a JSON {Kind(list)}; expected a list of strings.");
        }
        var texts = new List<string>(list.GetArrayLength());
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Fail(path, $"{key}[{index}] is a JSON {Kind(item)}; every example must be a string.");
            }
            string text = item.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw Fail(path, $"{key}[{index}] is empty; remove it or give the example's text.");
            }
            texts.Add(text);
            index++;
        }
        return texts.ToArray();
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static ExamplesException Fail(string path, string message) => new($"Examples file '{path}': {message}");
}
