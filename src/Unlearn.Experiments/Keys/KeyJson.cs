// Turns configuration records into the JSON that goes into a stage's key document: every key with
// its value after defaults, under its YAML name, so a rerun reason reads "saliency.C 2 → 0.5".
// Paths are left out on purpose: a file enters a key through the SHA-256 of its content (see
// IStage.ExternalInputs), so moving or renaming a file changes nothing, editing it changes the key.
using System.Collections;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Keys;

public static class KeyJson
{
    /// <summary>{"name": value, ...} for the named top-level keys of the experiment (e.g. "saliency", "chat_format").</summary>
    public static JsonObject Of(ExperimentConfig config, params string[] topLevelKeys)
    {
        var result = new JsonObject();
        foreach (var name in topLevelKeys)
        {
            var field = ExperimentSchema.Root.Find(name)
                ?? throw new ArgumentException($"'{name}' is not a top-level key of the experiment schema.", nameof(topLevelKeys));
            if (field.Type.Kind != ValueKind.Path)
            {
                result[name] = Value(field.Property.GetValue(config), field.Type);
            }
        }
        return result;
    }

    /// <summary>Every non-path key of a section record, after defaults.</summary>
    public static JsonObject Section(object section) => Select(section, fieldNames: null);

    /// <summary>Only the named keys of a section record (for a stage that reads part of a section).</summary>
    public static JsonObject Select(object section, params string[]? fieldNames)
    {
        var schema = ExperimentSchema.SectionFor(section.GetType());
        var result = new JsonObject();
        foreach (var field in schema.Fields)
        {
            if (fieldNames is not null && !fieldNames.Contains(field.Name))
            {
                continue;
            }
            if (IsPathValued(field.Type))
            {
                continue;
            }
            result[field.Name] = Value(field.Property.GetValue(section), field.Type);
        }
        if (fieldNames is not null)
        {
            var unknown = fieldNames.Where(n => schema.Find(n) is null).ToArray();
            if (unknown.Length > 0)
            {
                throw new ArgumentException($"{schema.Type.Name} has no key(s) {string.Join(", ", unknown)}.", nameof(fieldNames));
            }
        }
        return result;
    }

    private static bool IsPathValued(SchemaType type) =>
        type.Kind == ValueKind.Path || (type.Kind == ValueKind.List && type.Element!.Kind == ValueKind.Path);

    private static JsonNode? Value(object? value, SchemaType type)
    {
        if (value is null)
        {
            return null;
        }
        switch (type.Kind)
        {
            case ValueKind.String:
                return JsonValue.Create((string)value);
            case ValueKind.Integer:
                return JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case ValueKind.Number:
                return JsonValue.Create((double)value);
            case ValueKind.Boolean:
                return JsonValue.Create((bool)value);
            case ValueKind.Choice:
                return JsonValue.Create(ExperimentSchema.ChoiceName(value));
            case ValueKind.Layers:
                var layers = (LayerSelection)value;
                return layers.Resolved is { } resolved
                    ? new JsonArray(resolved.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray())
                    : JsonValue.Create(layers.Spec);
            case ValueKind.List:
                var array = new JsonArray();
                foreach (var item in (IEnumerable)value)
                {
                    array.Add(Value(item, type.Element!));
                }
                return array;
            case ValueKind.Map:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    map[(string)entry.Key] = Value(entry.Value, type.Element!);
                }
                return map;
            case ValueKind.Section:
                return Section(value);
            default:
                return null;
        }
    }
}
