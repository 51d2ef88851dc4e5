// Typed, validated access to the fields of one JSON object of a config file. Every failure becomes a
// ModelConfigException naming the file and the field's JSON path ("rope_scaling.factor"). Unknown
// fields are ignored (config files carry many that do not affect inference); repeated fields are
// errors, since which one wins differs between parsers.
using System.Globalization;
using System.Text.Json;

namespace Unlearn.Models.Config;

internal sealed class ConfigFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly string _prefix;

    private ConfigFields(JsonElement element, string path, string prefix)
    {
        Path = path;
        _prefix = prefix;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!_fields.TryAdd(property.Name, property.Value))
            {
                throw Error(property.Name, "the field appears twice; remove one.");
            }
        }
    }

    public string Path { get; }

    /// <summary>Parses <paramref name="json"/>, which must be a JSON object.</summary>
    public static ConfigFields ParseRoot(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            string where = exception.LineNumber is long line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
            throw new ModelConfigException(path, null, $"the file is not valid JSON{where}: {exception.Message}", exception);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(path, null, $"the file holds a JSON {document.RootElement.ValueKind}; expected an object of settings.");
            }
            // Clone so the elements outlive the document.
            return new ConfigFields(document.RootElement.Clone(), path, "");
        }
    }

    public string FieldPath(string field) => _prefix + field;

    /// <summary>Present and not null.</summary>
    public bool Has(string field) => _fields.TryGetValue(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    public ModelConfigException Error(string field, string message) => new(Path, FieldPath(field), $"{FieldPath(field)}: {message}");

    public ConfigFields? Object(string field)
    {
        if (!Has(field))
        {
            return null;
        }
        JsonElement value = _fields[field];
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(field, $"expected an object or null, found {Describe(value)}.");
        }
        return new ConfigFields(value, Path, FieldPath(field) + ".");
    }

    public string? String(string field)
    {
        if (!Has(field))
        {
            return null;
        }
        JsonElement value = _fields[field];
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error(field, $"expected a string, found {Describe(value)}.");
    }

    /// <summary>A list of strings, or empty when absent.</summary>
    public IReadOnlyList<string> StringList(string field)
    {
        if (!Has(field))
        {
            return [];
        }
        JsonElement value = _fields[field];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw Error(field, $"expected a list of strings, found {Describe(value)}.");
        }
        return value.EnumerateArray().Select(item => item.GetString()!).ToList();
    }

    public bool? Bool(string field)
    {
        if (!Has(field))
        {
            return null;
        }
        JsonElement value = _fields[field];
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(field, $"expected true or false, found {Describe(value)}."),
        };
    }

    /// <summary>An integer ≥ <paramref name="minimum"/>, or null when absent.</summary>
    public int? Int(string field, int minimum)
    {
        if (!Has(field))
        {
            return null;
        }
        JsonElement value = _fields[field];
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number))
        {
            throw Error(field, $"expected an integer, found {Describe(value)}.");
        }
        if (number < minimum)
        {
            throw Error(field, $"{number} is out of range (it must be at least {minimum}).");
        }
        return number;
    }

    public int RequiredInt(string field, int minimum) =>
        Int(field, minimum) ?? throw Error(field, "this required field is missing (or null).");

    /// <summary>A finite number (integers accepted), or null when absent. <paramref name="check"/> returns a complaint or null.</summary>
    public double? Double(string field, Func<double, string?>? check = null)
    {
        if (!Has(field))
        {
            return null;
        }
        JsonElement value = _fields[field];
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            throw Error(field, $"expected a finite number, found {Describe(value)}.");
        }
        if (check?.Invoke(number) is string complaint)
        {
            throw Error(field, $"{number.ToString("R", CultureInfo.InvariantCulture)} is out of range ({complaint}).");
        }
        return number;
    }

    /// <summary>Token ids given as an integer, a list of integers, or null (→ empty).</summary>
    public IReadOnlyList<int> TokenIds(string field)
    {
        if (!Has(field))
        {
            return [];
        }
        JsonElement value = _fields[field];
        IEnumerable<JsonElement> items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];
        var ids = new List<int>();
        foreach (JsonElement item in items)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int id))
            {
                throw Error(field, $"expected a token id or a list of token ids, found {Describe(value)}.");
            }
            if (id < 0)
            {
                throw Error(field, $"token id {id} is negative.");
            }
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>One token id: an integer, a one-element list, or null.</summary>
    public int? TokenId(string field)
    {
        IReadOnlyList<int> ids = TokenIds(field);
        return ids.Count switch
        {
            0 => null,
            1 => ids[0],
            _ => throw Error(field, $"expected one token id, found {ids.Count}."),
        };
    }

    /// <summary>A pad token id; a negative integer (old Llama configs use -1) means "no pad token".</summary>
    public int? PadTokenId(string field)
    {
        if (Has(field) && _fields[field].ValueKind == JsonValueKind.Number && _fields[field].TryGetInt32(out int id) && id < 0)
        {
            return null;
        }
        return TokenId(field);
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        _ => "an object",
    };
}
