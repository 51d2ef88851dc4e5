// The schema as data, derived once by reflection from the attributed records: sections, their
// fields, each field's value type (recursively for lists and maps), range and default. The binder,
// the key serialiser and the docs generator walk this model instead of the records themselves.
using System.Collections.Concurrent;
using System.Reflection;

namespace Unlearn.Experiments.Schema;

public enum ValueKind
{
    String,
    Integer,
    Number,
    Boolean,
    Choice,
    Path,
    Layers,
    List,
    Map,
    Section,
}

/// <summary>One allowed value of a choice-valued key.</summary>
public sealed record ChoiceValue(string Name, object Value, string Doc, bool Available);

/// <summary>The value type of a field or of a list/map element.</summary>
public sealed class SchemaType
{
    internal SchemaType(ValueKind kind, Type clrType, SchemaType? element = null, SchemaSection? section = null, IReadOnlyList<ChoiceValue>? choices = null)
    {
        Kind = kind;
        ClrType = clrType;
        Element = element;
        Section = section;
        Choices = choices ?? [];
    }

    public ValueKind Kind { get; }

    /// <summary>The CLR type without Nullable&lt;&gt;.</summary>
    public Type ClrType { get; }

    /// <summary>Element type of a list or map.</summary>
    public SchemaType? Element { get; }

    public SchemaSection? Section { get; }

    public IReadOnlyList<ChoiceValue> Choices { get; }

    /// <summary>Human wording of the type, used in error messages and docs.</summary>
    public string Describe() => Kind switch
    {
        ValueKind.String => "text",
        ValueKind.Integer => "integer",
        ValueKind.Number => "number",
        ValueKind.Boolean => "true or false",
        ValueKind.Choice => "one of " + string.Join(" | ", Choices.Where(c => c.Available).Select(c => c.Name)),
        ValueKind.Path => "path",
        ValueKind.Layers => "\"last N\" | \"all\" | list of integers",
        ValueKind.List => "list of " + Element!.DescribePlural(),
        ValueKind.Map => "map of name to " + Element!.Describe(),
        _ => "mapping",
    };

    private string DescribePlural() => Kind switch
    {
        ValueKind.String => "texts",
        ValueKind.Integer => "integers",
        ValueKind.Number => "numbers",
        ValueKind.Path => "paths",
        ValueKind.Choice => "values (" + string.Join(" | ", Choices.Where(c => c.Available).Select(c => c.Name)) + ")",
        ValueKind.List => "lists",
        _ => "mappings",
    };
}

/// <summary>One YAML key of a section.</summary>
public sealed class SchemaField
{
    internal SchemaField(KeyAttribute key, PropertyInfo property, SchemaType type, bool nullable, object? defaultValue)
    {
        Key = key;
        Property = property;
        Type = type;
        IsNullable = nullable;
        DefaultValue = defaultValue;
    }

    public string Name => Key.Name;

    public KeyAttribute Key { get; }

    public PropertyInfo Property { get; }

    public SchemaType Type { get; }

    /// <summary>Whether the key accepts null (an absent optional value).</summary>
    public bool IsNullable { get; }

    /// <summary>The value a fresh record has (the default).</summary>
    public object? DefaultValue { get; }
}

/// <summary>A mapping section (a record type marked [Section]).</summary>
public sealed class SchemaSection
{
    private readonly Dictionary<string, SchemaField> byName = new(StringComparer.Ordinal);

    internal SchemaSection(Type type, string doc)
    {
        Type = type;
        Doc = doc;
    }

    public Type Type { get; }

    public string Doc { get; }

    public IReadOnlyList<SchemaField> Fields { get; private set; } = [];

    public SchemaField? Find(string name) => byName.GetValueOrDefault(name);

    internal void SetFields(IReadOnlyList<SchemaField> fields)
    {
        Fields = fields;
        foreach (var field in fields)
        {
            byName[field.Name] = field;
        }
    }
}

public static class ExperimentSchema
{
    private static readonly ConcurrentDictionary<Type, SchemaSection> Sections = new();
    private static readonly object BuildGate = new();
    private static readonly Dictionary<Type, SchemaSection> InProgress = [];

    /// <summary>The root section (ExperimentConfig).</summary>
    public static SchemaSection Root => SectionFor(typeof(ExperimentConfig));

    public static SchemaSection SectionFor(Type type)
    {
        if (Sections.TryGetValue(type, out var known))
        {
            return known;
        }
        lock (BuildGate)
        {
            if (Sections.TryGetValue(type, out known) || InProgress.TryGetValue(type, out known))
            {
                return known;
            }
            // Sections are published only when the outermost build finishes, so another thread never
            // sees a section whose fields are still being filled in.
            var outermost = InProgress.Count == 0;
            var built = Build(type);
            if (outermost)
            {
                foreach (var (builtType, builtSection) in InProgress)
                {
                    Sections[builtType] = builtSection;
                }
                InProgress.Clear();
            }
            return built;
        }
    }

    /// <summary>The allowed values of an enum used as a choice.</summary>
    public static IReadOnlyList<ChoiceValue> ChoicesOf(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f =>
            {
                var choice = f.GetCustomAttribute<ChoiceAttribute>()
                    ?? throw new InvalidOperationException($"{enumType.Name}.{f.Name} has no [Choice] attribute.");
                return new ChoiceValue(choice.Name, f.GetValue(null)!, choice.Doc, choice.Available);
            })
            .ToArray();

    /// <summary>The YAML spelling of an enum value.</summary>
    public static string ChoiceName(object value) =>
        ChoicesOf(value.GetType()).First(c => c.Value.Equals(value)).Name;

    /// <summary>Every dotted field path of the schema, for "did you mean" across sections.</summary>
    public static IEnumerable<(string Path, SchemaField Field)> AllFields()
    {
        return Walk(Root, "");

        static IEnumerable<(string, SchemaField)> Walk(SchemaSection section, string prefix)
        {
            foreach (var field in section.Fields)
            {
                var path = prefix.Length == 0 ? field.Name : prefix + "." + field.Name;
                yield return (path, field);
                if (field.Type.Kind == ValueKind.Section)
                {
                    foreach (var inner in Walk(field.Type.Section!, path))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    private static SchemaSection Build(Type type)
    {
        var attribute = type.GetCustomAttribute<SectionAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} is not marked [Section].");
        var section = new SchemaSection(type, attribute.Doc);
        // Registered before its fields are built so that recursive references terminate.
        InProgress[type] = section;
        var defaults = Activator.CreateInstance(type)!;
        var fields = new List<SchemaField>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            var key = property.GetCustomAttribute<KeyAttribute>();
            if (key is null)
            {
                continue;
            }
            // A key whose default is null accepts null (an absent optional value); every other key has a
            // non-null default. This rule replaces NullabilityInfoContext, which cost ~150 ms of start-up.
            var defaultValue = property.GetValue(defaults);
            var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null || (!property.PropertyType.IsValueType && defaultValue is null);
            fields.Add(new SchemaField(key, property, TypeOf(property.PropertyType), nullable, defaultValue));
        }
        section.SetFields(fields);
        return section;
    }

    private static SchemaType TypeOf(Type clrType)
    {
        var type = Nullable.GetUnderlyingType(clrType) ?? clrType;
        if (type == typeof(string))
        {
            return new SchemaType(ValueKind.String, type);
        }
        if (type == typeof(int) || type == typeof(long))
        {
            return new SchemaType(ValueKind.Integer, type);
        }
        if (type == typeof(double))
        {
            return new SchemaType(ValueKind.Number, type);
        }
        if (type == typeof(bool))
        {
            return new SchemaType(ValueKind.Boolean, type);
        }
        if (type.IsEnum)
        {
            return new SchemaType(ValueKind.Choice, type, choices: ChoicesOf(type));
        }
        if (type == typeof(ResolvedPath))
        {
            return new SchemaType(ValueKind.Path, type);
        }
        if (type == typeof(LayerSelection))
        {
            return new SchemaType(ValueKind.Layers, type);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return new SchemaType(ValueKind.List, type, element: TypeOf(type.GetGenericArguments()[0]));
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            && type.GetGenericArguments()[0] == typeof(string))
        {
            return new SchemaType(ValueKind.Map, type, element: TypeOf(type.GetGenericArguments()[1]));
        }
        if (type.GetCustomAttribute<SectionAttribute>() is not null)
        {
            return new SchemaType(ValueKind.Section, type, section: SectionFor(type));
        }
        throw new InvalidOperationException($"The schema does not support properties of type {type.Name}.");
    }
}
