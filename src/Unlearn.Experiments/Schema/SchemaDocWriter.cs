// Generates docs/experiments.md from the schema records, so the documentation of every key (type,
// default, allowed values, unit, meaning) cannot drift from the code. A test fails when the committed
// file differs; UNLEARN_UPDATE_DOCS=1 makes that test rewrite it.
using System.Collections;
using System.Globalization;
using System.Text;
using Unlearn.Experiments.Loading;

namespace Unlearn.Experiments.Schema;

public static class SchemaDocWriter
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("""
            # Experiment files

            <!-- Generated from src/Unlearn.Experiments/Schema/*.cs by SchemaDocWriter; do not edit by hand.
                 Regenerate: UNLEARN_UPDATE_DOCS=1 dotnet test tests/Unlearn.Experiments.Tests -c Release --filter ExperimentsMarkdown -->

            An experiment is one YAML file in `experiments/`. It is validated against this schema before anything
            runs: unknown keys (with the nearest valid key suggested), wrong types, out-of-range values, missing
            files and experiment/model mismatches are reported together, each with file, line and column. A build
            also reads, before its first stage, what the files hold as far as the stages it will run read them (the
            evaluation data folder, the tokenizer, the first rows of a repair dataset) and reports their problems at
            the file and line they are in.

            - `name` must be unique in the repository: it names `artifacts/<name>/`, so a copied experiment that kept
              its original's name is refused (the error names both files).
            - Paths are relative to the YAML file; a path that leaves the repository — also through a symbolic link
              anywhere on the path, after resolving it — is refused unless `--allow-outside` (`-p:AllowOutside=true`)
              is given.
            - Numbers are plain YAML numbers: a quoted `"2"` is text and is refused where a number belongs.
              Booleans are `true` / `false` only.
            - Every default below is part of the content keys, so writing a default explicitly, reordering keys,
              or adding comments never makes a stage rerun (see docs/graph.md).
            - Paths never enter a content key; the SHA-256 of the files they name does.


            """);
        WriteSection(text, ExperimentSchema.Root, "", "Top level");
        text.Append("## Metric names\n\nAn `expect:` key is `variant.metric`, with a variant of `evaluate.variants` and one of these metrics:\n");
        text.Append(string.Join(", ", EvaluationMetrics.Names.Select(m => $"`{m}`"))).Append(".\n");
        return text.ToString().ReplaceLineEndings("\n");
    }

    private static void WriteSection(StringBuilder text, SchemaSection section, string path, string title)
    {
        text.Append(CultureInfo.InvariantCulture, $"## {title}\n\n{section.Doc}\n\n");
        text.Append("| Key | Type | Default | Allowed | Description |\n|---|---|---|---|---|\n");
        foreach (var field in section.Fields)
        {
            var unit = field.Key.Unit is null ? "" : $" Unit: {field.Key.Unit}.";
            var required = field.Key.Required ? " **Required.**" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"| `{field.Name}` | {TypeText(field.Type)} | {DefaultText(field)} | {AllowedText(field)} | {Escape(field.Key.Doc)}{unit}{required} |\n");
        }
        text.Append('\n');
        foreach (var choiceField in section.Fields.Where(f => ChoicesOf(f.Type) is { Count: > 0 } c && c.Any(v => v.Doc.Length > 0 || !v.Available)))
        {
            text.Append(CultureInfo.InvariantCulture, $"Values of `{Join(path, choiceField.Name)}`:\n\n");
            foreach (var choice in ChoicesOf(choiceField.Type)!)
            {
                var note = choice.Available ? "" : " (not available yet)";
                text.Append(CultureInfo.InvariantCulture, $"- `{choice.Name}`{(choice.Doc.Length > 0 ? ": " + Escape(choice.Doc) : "")}{note}\n");
            }
            text.Append('\n');
        }
        foreach (var field in section.Fields)
        {
            var inner = field.Type.Kind == ValueKind.Section ? field.Type.Section
                : field.Type.Kind == ValueKind.Map && field.Type.Element!.Kind == ValueKind.Section ? field.Type.Element.Section
                : null;
            if (inner is not null)
            {
                var innerPath = Join(path, field.Name) + (field.Type.Kind == ValueKind.Map ? ".<name>" : "");
                WriteSection(text, inner, innerPath, $"`{innerPath}`");
            }
        }
    }

    private static IReadOnlyList<ChoiceValue>? ChoicesOf(SchemaType type) =>
        type.Kind == ValueKind.Choice ? type.Choices
        : type.Kind == ValueKind.List && type.Element!.Kind == ValueKind.Choice ? type.Element.Choices
        : null;

    private static string TypeText(SchemaType type) => type.Kind switch
    {
        ValueKind.Path => "path",
        ValueKind.Choice => "choice",
        ValueKind.Section => "mapping",
        ValueKind.Map when type.Element!.Kind == ValueKind.Section => "map of mappings",
        ValueKind.List when type.Element!.Kind == ValueKind.Choice => "list of choices",
        _ => Escape(type.Describe()),
    };

    private static string AllowedText(SchemaField field)
    {
        var choices = ChoicesOf(field.Type);
        if (choices is not null)
        {
            return string.Join(" · ", choices.Where(c => c.Available).Select(c => $"`{c.Name}`"));
        }
        if (field.Type.Kind == ValueKind.Path)
        {
            return field.Key.PathKind switch
            {
                PathKind.File => "an existing file",
                PathKind.Directory => "an existing folder",
                _ => "an existing file or folder",
            };
        }
        var range = YamlBinder.RangeText(field.Key);
        return range.Length == 0 ? "" : Escape(range);
    }

    private static string DefaultText(SchemaField field)
    {
        if (field.Key.DefaultText is { } described)
        {
            return Escape(described);
        }
        if (field.Key.Required)
        {
            return "";
        }
        return field.DefaultValue switch
        {
            null => "none",
            string s => s.Length == 0 ? "\"\"" : $"`{Escape(s)}`",
            bool b => b ? "`true`" : "`false`",
            double d => $"`{d.ToString("R", CultureInfo.InvariantCulture)}`",
            int i => $"`{i.ToString(CultureInfo.InvariantCulture)}`",
            long l => $"`{l.ToString(CultureInfo.InvariantCulture)}`",
            Enum e => $"`{ExperimentSchema.ChoiceName(e)}`",
            LayerSelection layers => $"`{layers.Spec}`",
            IDictionary dictionary => dictionary.Count == 0 ? "none" : "…",
            IEnumerable list => Escape("[" + string.Join(", ", list.Cast<object>().Select(Item)) + "]"),
            _ => "see below",
        };

        static string Item(object item) => item switch
        {
            Enum e => ExperimentSchema.ChoiceName(e),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => item.ToString() ?? "",
        };
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
