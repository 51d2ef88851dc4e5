// Binds a YAML node tree (YamlDotNet's RepresentationModel, which keeps line/column marks) to the
// schema records, collecting every problem as a diagnostic instead of stopping at the first.
// This file walks mappings, lists and maps; YamlBinder.Scalars.cs parses single values.
using System.Collections;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using YamlDotNet.RepresentationModel;

namespace Unlearn.Experiments.Loading;

/// <summary>A path-valued key whose target must be checked once binding is done.</summary>
internal sealed record PendingFileCheck(string FieldPath, ResolvedPath Path, PathKind Kind, SourcePosition Position);

internal sealed partial class YamlBinder(DiagnosticBag diagnostics, SourceMap sources, PathResolver paths)
{
    public List<PendingFileCheck> FileChecks { get; } = [];

    public object BindSection(YamlNode node, SchemaSection section, string path)
    {
        var instance = Activator.CreateInstance(section.Type)!;
        if (IsNull(node))
        {
            // "repair:" with nothing after it: every key keeps its default.
            CheckRequired(section, path, seen: [], At(node));
            return instance;
        }
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, path, At(node),
                $"{Describe(path)} must be a mapping of keys ({string.Join(", ", section.Fields.Select(f => f.Name))}), not {NodeKind(node)}.");
            return instance;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                diagnostics.Error(DiagnosticCodes.WrongType, path, At(keyNode), "Keys must be plain names, not lists or mappings.");
                continue;
            }
            var field = section.Find(name);
            var fieldPath = Join(path, name);
            if (field is null)
            {
                ReportUnknownKey(name, path, section, At(keyNode));
                continue;
            }
            seen.Add(name);
            sources.Record(fieldPath, At(valueNode));
            if (TryBindValue(valueNode, field.Type, field, fieldPath, out var value))
            {
                field.Property.SetValue(instance, value);
            }
        }
        CheckRequired(section, path, seen, At(mapping));
        return instance;
    }

    private void CheckRequired(SchemaSection section, string path, HashSet<string> seen, SourcePosition position)
    {
        foreach (var field in section.Fields.Where(f => f.Key.Required && !seen.Contains(f.Name)))
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, Join(path, field.Name), position,
                $"The required key '{Join(path, field.Name)}' is missing: {field.Key.Doc}");
        }
    }

    private bool TryBindValue(YamlNode node, SchemaType type, SchemaField field, string path, out object? value)
    {
        value = null;
        if (IsNull(node))
        {
            switch (type.Kind)
            {
                case ValueKind.Section:
                    // "generate:" with nothing after it asks for the section with its defaults.
                    value = BindSection(node, type.Section!, path);
                    return true;
                case ValueKind.List or ValueKind.Map:
                    value = EmptyOf(type, field.IsNullable);
                    return true;
                case ValueKind.Layers:
                    break;
                default:
                    if (field.IsNullable)
                    {
                        return true;
                    }
                    break;
            }
            diagnostics.Error(DiagnosticCodes.WrongType, path, At(node), $"{Describe(path)} needs a value ({type.Describe()}).");
            return false;
        }
        switch (type.Kind)
        {
            case ValueKind.Section:
                value = BindSection(node, type.Section!, path);
                return true;
            case ValueKind.List:
                return TryBindList(node, type, field, path, out value);
            case ValueKind.Map:
                return TryBindMap(node, type, field, path, out value);
            case ValueKind.Layers:
                return TryBindLayers(node, path, out value);
            default:
                if (node is not YamlScalarNode scalar)
                {
                    diagnostics.Error(DiagnosticCodes.WrongType, path, At(node),
                        $"{Describe(path)} must be {Article(type)}, not {NodeKind(node)}.");
                    return false;
                }
                return TryBindScalar(scalar, type, field, path, out value);
        }
    }

    private bool TryBindList(YamlNode node, SchemaType type, SchemaField field, string path, out object? value)
    {
        value = null;
        if (node is not YamlSequenceNode sequence)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, path, At(node),
                $"{Describe(path)} must be a list ({type.Describe()}): write [a, b] or one '- item' per line.");
            return false;
        }
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.Element!.ClrType))!;
        var ok = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            sources.Record(itemPath, At(sequence.Children[i]));
            if (TryBindValue(sequence.Children[i], type.Element, field, itemPath, out var item) && item is not null)
            {
                list.Add(item);
            }
            else
            {
                ok = false;
            }
        }
        value = list;
        return ok;
    }

    private bool TryBindMap(YamlNode node, SchemaType type, SchemaField field, string path, out object? value)
    {
        value = null;
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, path, At(node), $"{Describe(path)} must be a mapping ({type.Describe()}).");
            return false;
        }
        var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), type.Element!.ClrType))!;
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                diagnostics.Error(DiagnosticCodes.WrongType, path, At(keyNode), $"The names in {Describe(path)} must be plain text.");
                ok = false;
                continue;
            }
            var entryPath = Join(path, name);
            sources.Record(entryPath, At(valueNode));
            if (TryBindValue(valueNode, type.Element, field, entryPath, out var entry) && entry is not null)
            {
                dictionary[name] = entry;
            }
            else
            {
                ok = false;
            }
        }
        value = dictionary;
        return ok;
    }

    private void ReportUnknownKey(string name, string path, SchemaSection section, SourcePosition position)
    {
        var where = path.Length == 0 ? "at the top level" : $"in {path}";
        var nearest = Suggestions.Nearest(name, section.Fields.Select(f => f.Name));
        string hint;
        if (nearest is not null)
        {
            hint = $" Did you mean '{nearest}'?";
        }
        else
        {
            // The key may simply be in the wrong section ("pooling" under saliency).
            var elsewhere = ExperimentSchema.AllFields().Where(f => f.Field.Name == name).Select(f => f.Path).FirstOrDefault();
            hint = elsewhere is not null
                ? $" '{name}' is a key of {elsewhere[..elsewhere.LastIndexOf('.')]} ({elsewhere})."
                : $" Valid keys {where}: {string.Join(", ", section.Fields.Select(f => f.Name))}.";
        }
        diagnostics.Error(DiagnosticCodes.UnknownKey, Join(path, name), position, $"Unknown key '{name}' {where}.{hint}");
    }

    private static object? EmptyOf(SchemaType type, bool nullable)
    {
        if (nullable)
        {
            return null;
        }
        return type.Kind == ValueKind.List
            ? Activator.CreateInstance(typeof(List<>).MakeGenericType(type.Element!.ClrType))
            : Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), type.Element!.ClrType));
    }

    private SourcePosition At(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    internal static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Describe(string path) => $"'{path}'";

    private static string Article(SchemaType type) => type.Kind switch
    {
        ValueKind.Integer => "an integer",
        ValueKind.Choice => type.Describe(),
        ValueKind.Boolean => "true or false",
        _ => "a " + type.Describe(),
    };

    private static string NodeKind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a single value",
    };

    internal static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } scalar
        && (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");
}
