// Settings given on top of an experiment file, as `--set saliency.C=0.5` does and as a sweep does for each of its
// points: a dotted key path and a YAML value, written into the parsed document before it is bound, so an override is
// validated, defaulted and keyed exactly like the same value written in the file. A path may create missing mappings
// ("vocab.match" in a file without a vocab: section) but never replaces a mapping with a scalar silently: the schema
// then reports the wrong type at the override.
using Unlearn.Experiments.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unlearn.Experiments.Loading;

/// <param name="Path">Dotted key path, e.g. "saliency.C" or "activations.sites".</param>
/// <param name="Value">A YAML value, e.g. "0.5", "[mlp.act]", "last 2" or "{rank: 4}".</param>
public sealed record ExperimentOverride(string Path, string Value)
{
    /// <summary>Parses "path=value" (the form of --set).</summary>
    /// <exception cref="ArgumentException">No '=' or an empty path.</exception>
    public static ExperimentOverride Parse(string text)
    {
        int equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new ArgumentException($"'{text}' is not KEY=VALUE (e.g. saliency.C=0.5 or \"activations.sites=[mlp.act]\").");
        }
        return new ExperimentOverride(text[..equals].Trim(), text[(equals + 1)..].Trim());
    }

    public override string ToString() => $"{Path}={Value}";
}

internal static class OverrideApplier
{
    public static void Apply(YamlMappingNode root, IReadOnlyList<ExperimentOverride> overrides, DiagnosticBag diagnostics)
    {
        foreach (var item in overrides)
        {
            var parts = item.Path.Split('.');
            if (parts.Any(string.IsNullOrWhiteSpace))
            {
                diagnostics.Error(DiagnosticCodes.UnknownKey, item.Path, SourcePosition.None, $"--set {item}: '{item.Path}' is not a dotted key path (e.g. saliency.C).");
                continue;
            }
            if (ParseValue(item, diagnostics) is not { } value)
            {
                continue;
            }
            var mapping = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                var key = new YamlScalarNode(parts[i]);
                if (!mapping.Children.TryGetValue(key, out var child))
                {
                    child = new YamlMappingNode();
                    mapping.Children[key] = child;
                }
                if (child is not YamlMappingNode next)
                {
                    diagnostics.Error(DiagnosticCodes.WrongType, item.Path, SourcePosition.None,
                        $"--set {item}: '{string.Join('.', parts[..(i + 1)])}' is not a section in the experiment file, so it has no key '{parts[i + 1]}'.");
                    mapping = null!;
                    break;
                }
                mapping = next;
            }
            if (mapping is not null)
            {
                mapping.Children[new YamlScalarNode(parts[^1])] = value;
            }
        }
    }

    private static YamlNode? ParseValue(ExperimentOverride item, DiagnosticBag diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader("value: " + item.Value));
        }
        catch (YamlException exception)
        {
            diagnostics.Error(DiagnosticCodes.YamlSyntax, item.Path, SourcePosition.None, $"--set {item}: the value is not valid YAML ({exception.Message}).");
            return null;
        }
        return ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("value")];
    }
}
