// `unlearn export --experiment NAME --variant V`: brings the experiment up to Evaluate (what is built is reused; the
// card's metrics come from Evaluate), resolves the variant with VariantResolver as Evaluate scored it, and writes it
// with ExperimentExport, as the Export target does. --expectations are computed from the run-time variant itself (the
// edits as ForwardOptions on the base model, what `unlearn generate --temperature 0` of the variant runs), so
// llama.cpp is checked against the evaluated variant, not against our own bake.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Variants;
using Unlearn.Models.Export;
using Unlearn.Models.Export.Checks;
using Unlearn.Models.Export.Gguf;
using Unlearn.Models.Export.Release;
using Unlearn.Models.Formats.Gguf;
using SchemaVariant = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Cli.Commands;

internal static partial class ExportCommand
{
    private sealed record VariantExportOptions(
        string Experiment, string Variant, string? Root, ExportFormat Format, ExportDType DType, string Output, bool ReleaseCost,
        string? ExpectationsFolder, ClientCheckSettings? Check);

    private static int ExportVariant(VariantExportOptions options)
    {
        var choice = ParseVariant(options.Variant);
        var graph = ExperimentGraph.Open(new GraphOptions
        {
            Experiment = options.Experiment,
            RepositoryRoot = options.Root,
            Target = "Evaluate",
            Log = new SweepCommand.ConsoleBuildLog(Console.Error),
        });
        graph.Run("Evaluate");
        var config = graph.Config;
        string EntryOf(string stage) => graph.Layout.EntryDirectory(graph.KeyOf(stage));
        using var model = ExperimentExport.LoadModel(config);
        using var variant = VariantResolver.Resolve(choice, config, EntryOf, model.Runtime);
        var lines = ExperimentExport.Write(new ExperimentExportRequest
        {
            Config = config,
            Model = model,
            Variant = variant,
            EntryOf = EntryOf,
            Key = graph.KeyOf("Evaluate"),
            Folder = Path.GetDirectoryName(Path.GetFullPath(options.Output))!,
            FormatFolder = options.Output,
            Formats = [options.Format == ExportFormat.Gguf ? ExportFormatChoice.Gguf : ExportFormatChoice.HuggingFace],
            DType = TensorTypeOf(options.DType),
            ReleaseCost = options.ReleaseCost,
        });
        foreach (var line in lines)
        {
            Console.Out.WriteLine(line);
        }
        if (options.ExpectationsFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            string gguf = ModelExporter.GgufFileName(options.DType);
            var source = VariantExport.SourceOf(variant, model.Model);
            var bans = variant.Options.Edits.MaskedLogits.Distinct().Order().ToArray();
            if (options.DType == ExportDType.F32)
            {
                // The run-time variant: with the ban list it is the evaluated (−∞) variant; without, its zero-row form.
                var released = variant.Options with { Edits = VocabularyRelease.ZeroRowForm(variant.Options.Edits) };
                ClientExpectations.Write(folder, gguf, source, released, variant.Options, bans, model.RequireTokenizer(), options.Check!);
            }
            else
            {
                // Rounded weights: what the file holds, read back (an f32 export reads back to the baked logits exactly: ExportTests).
                using var held = GgufModelReader.Load(GgufFile.Open(Path.Combine(options.Output, gguf)), source.Gemm, source.Shape.RopeScaling);
                ClientExpectations.Write(folder, gguf, held, bans, model.RequireTokenizer(), options.Check!);
            }
            Console.Out.WriteLine($"wrote {Path.GetFullPath(folder)}: {ClientExpectations.FileName}, {ClientExpectations.LogProbFileName}");
        }
        return ExitCodes.Success;
    }

    private static SchemaVariant ParseVariant(string name) =>
        Enum.GetValues<SchemaVariant>().FirstOrDefault(v => VariantResolver.NameOf(v) == name) is var parsed && VariantResolver.NameOf(parsed) == name
            ? parsed
            : throw new CommandLineException($"--variant: '{name}' is not one of {string.Join(", ", Enum.GetValues<SchemaVariant>().Select(VariantResolver.NameOf))}"
                + " (an inference-time intervention such as SAE feature ablation cannot be exported as plain weights: run it with `unlearn generate`)");

    private static ExportTensorType TensorTypeOf(ExportDType dtype) => dtype switch
    {
        ExportDType.F32 => ExportTensorType.F32,
        ExportDType.F16 => ExportTensorType.F16,
        ExportDType.BF16 => ExportTensorType.BF16,
        _ => ExportTensorType.Q8_0,
    };
}
