// Parsing of single YAML values against the schema: numbers, booleans, choices, paths, layer
// selections. Strict on purpose: a quoted "5" is text, not a number, and YAML 1.1's yes/no are not
// booleans, because silent coercion is how configuration typos survive into results.
using System.Globalization;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unlearn.Experiments.Loading;

internal sealed partial class YamlBinder
{
    private bool TryBindScalar(YamlScalarNode scalar, SchemaType type, SchemaField field, string path, out object? value)
    {
        value = null;
        var text = scalar.Value ?? "";
        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
        switch (type.Kind)
        {
            case ValueKind.String:
                value = text;
                return true;
            case ValueKind.Integer:
                if (quoted || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    var detail = quoted ? $"the quoted text \"{text}\" (remove the quotes)"
                        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? $"{text}, which is not a whole number"
                        : $"'{text}'";
                    diagnostics.Error(DiagnosticCodes.WrongType, path, At(scalar), $"'{path}' must be an integer, got {detail}.");
                    return false;
                }
                if (!InRange(integer, field.Key, path, scalar))
                {
                    return false;
                }
                if (type.ClrType == typeof(int) && integer is < int.MinValue or > int.MaxValue)
                {
                    diagnostics.Error(DiagnosticCodes.OutOfRange, path, At(scalar), $"'{path}' = {text} does not fit a 32-bit integer.");
                    return false;
                }
                value = type.ClrType == typeof(int) ? (object)(int)integer : integer;
                return true;
            case ValueKind.Number:
                if (quoted || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    var detail = quoted ? $"the quoted text \"{text}\" (remove the quotes)" : $"'{text}'";
                    diagnostics.Error(DiagnosticCodes.WrongType, path, At(scalar), $"'{path}' must be a finite number, got {detail}.");
                    return false;
                }
                if (!InRange(number, field.Key, path, scalar))
                {
                    return false;
                }
                value = number;
                return true;
            case ValueKind.Boolean:
                if (!quoted && bool.TryParse(text, out var flag))
                {
                    value = flag;
                    return true;
                }
                var yamlOne = text.ToLowerInvariant() is "yes" or "no" or "on" or "off" or "y" or "n";
                diagnostics.Error(DiagnosticCodes.WrongType, path, At(scalar),
                    $"'{path}' must be true or false, got '{text}'" + (yamlOne ? " (YAML 1.1 spellings are not accepted: write true or false)." : "."));
                return false;
            case ValueKind.Choice:
                return TryBindChoice(text, type, path, scalar, out value);
            case ValueKind.Path:
                if (text.Trim().Length == 0)
                {
                    diagnostics.Error(DiagnosticCodes.WrongType, path, At(scalar), $"'{path}' must be a path, got an empty text.");
                    return false;
                }
                var (resolved, problem) = paths.Resolve(text);
                if (problem is not null)
                {
                    diagnostics.Error(DiagnosticCodes.PathOutsideRepository, path, At(scalar), $"'{path}': {problem}");
                    return false;
                }
                FileChecks.Add(new PendingFileCheck(path, resolved, field.Key.PathKind, At(scalar)));
                value = resolved;
                return true;
            default:
                throw new InvalidOperationException($"{type.Kind} is not a scalar kind.");
        }
    }

    private bool TryBindChoice(string text, SchemaType type, string path, YamlNode node, out object? value)
    {
        value = null;
        var choice = type.Choices.FirstOrDefault(c => c.Name == text)
            ?? type.Choices.FirstOrDefault(c => string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase));
        var available = type.Choices.Where(c => c.Available).Select(c => c.Name).ToArray();
        if (choice is null)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, path, At(node),
                $"'{path}' = '{text}' is not one of: {string.Join(", ", available)}.{Suggestions.DidYouMean(text, type.Choices.Select(c => c.Name))}");
            return false;
        }
        if (!choice.Available)
        {
            diagnostics.Error(DiagnosticCodes.NotAvailable, path, At(node),
                $"'{path}' = '{choice.Name}' ({choice.Doc}) is not available yet in this version of Unlearn. Available: {string.Join(", ", available)}.");
            return false;
        }
        value = choice.Value;
        return true;
    }

    private bool TryBindLayers(YamlNode node, string path, out object? value)
    {
        value = null;
        const string expected = "\"last N\" (N >= 1), \"all\", or a list of layer indices (negative ones count from the end)";
        if (node is YamlScalarNode scalar)
        {
            var text = scalar.Value ?? "";
            if (LayerSelection.ParseText(text) is { } selection)
            {
                value = selection;
                return true;
            }
            if (scalar.Style is not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
                && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var single))
            {
                value = LayerSelection.Of([single]);
                return true;
            }
            diagnostics.Error(DiagnosticCodes.WrongType, path, At(node), $"'{path}' = '{text}' is not {expected}.");
            return false;
        }
        if (node is YamlSequenceNode sequence)
        {
            var indices = new List<int>();
            var ok = true;
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var item = sequence.Children[i];
                sources.Record($"{path}[{i}]", At(item));
                if (item is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) } s
                    && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    indices.Add(index);
                }
                else
                {
                    diagnostics.Error(DiagnosticCodes.WrongType, $"{path}[{i}]", At(item), $"'{path}[{i}]' must be an integer layer index.");
                    ok = false;
                }
            }
            if (ok && indices.Count == 0)
            {
                diagnostics.Error(DiagnosticCodes.OutOfRange, path, At(node), $"'{path}' lists no layers; give at least one.");
                return false;
            }
            value = ok ? LayerSelection.Of(indices) : null;
            return ok;
        }
        diagnostics.Error(DiagnosticCodes.WrongType, path, At(node), $"'{path}' must be {expected}.");
        return false;
    }

    private bool InRange(double value, KeyAttribute key, string path, YamlNode node)
    {
        var tooLow = key.HasMin && (key.MinExclusive ? value <= key.Min : value < key.Min);
        var tooHigh = key.HasMax && (key.MaxExclusive ? value >= key.Max : value > key.Max);
        if (!tooLow && !tooHigh)
        {
            return true;
        }
        diagnostics.Error(DiagnosticCodes.OutOfRange, path, At(node),
            $"'{path}' = {value.ToString(CultureInfo.InvariantCulture)} is out of range: it must be {RangeText(key)}.");
        return false;
    }

    /// <summary>"> 0 and <= 1", ">= 1", ... (also used by the docs).</summary>
    internal static string RangeText(KeyAttribute key)
    {
        var parts = new List<string>();
        if (key.HasMin)
        {
            parts.Add((key.MinExclusive ? "> " : ">= ") + key.Min.ToString(CultureInfo.InvariantCulture));
        }
        if (key.HasMax)
        {
            parts.Add((key.MaxExclusive ? "< " : "<= ") + key.Max.ToString(CultureInfo.InvariantCulture));
        }
        return string.Join(" and ", parts);
    }
}
