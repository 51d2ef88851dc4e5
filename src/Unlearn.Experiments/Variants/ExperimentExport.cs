// One resolved variant of an experiment written in one or more export formats: baked once (VariantExport.EditsOf,
// refusing inference-time interventions), the release cost measured once when the variant has a −∞ mask, then each
// format written with the same model card. The Export stage and `unlearn export --experiment` both call this.
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Stages;
using Unlearn.Models;
using Unlearn.Models.Export;

namespace Unlearn.Experiments.Variants;

public sealed record ExperimentExportRequest
{
    public required ExperimentConfig Config { get; init; }

    /// <summary>The base model (the experiment's model folder), as VariantResolver resolved the variant against.</summary>
    public required PretrainedModel Model { get; init; }

    public required ResolvedVariant Variant { get; init; }

    /// <summary>Store entry folder of a stage (BuildExamples and Evaluate are asked for the card and the release cost).</summary>
    public required Func<string, string> EntryOf { get; init; }

    /// <summary>Content key the card names (the Export stage's own; for the CLI, Evaluate's key the numbers come from).</summary>
    public string? Key { get; init; }

    /// <summary>Variant folder: each format goes to Folder/&lt;format&gt;/ and the release cost to Folder/release-cost.json,
    /// unless <see cref="FormatFolder"/> names one folder for a single format.</summary>
    public required string Folder { get; init; }

    /// <summary>When set (a single format), the files go straight here instead of Folder/&lt;format&gt;/.</summary>
    public string? FormatFolder { get; init; }

    public required IReadOnlyList<ExportFormatChoice> Formats { get; init; }

    public ExportTensorType DType { get; init; } = ExportTensorType.F32;

    public bool ReleaseCost { get; init; } = true;

    public CancellationToken CancellationToken { get; init; }
}

public static class ExperimentExport
{
    /// <summary>Writes the variant; returns one log line per written folder.</summary>
    /// <exception cref="ExportRefusedException">The variant is an inference-time intervention, or a format refuses the model.</exception>
    public static IReadOnlyList<string> Write(ExperimentExportRequest request)
    {
        var config = request.Config;
        var variant = request.Variant;
        var dtype = DTypeOf(request.DType);
        if (dtype == ExportDType.Q8_0 && request.Formats.Contains(ExportFormatChoice.HuggingFace))
        {
            throw new ExportRefusedException($"{config.FilePath}: 'export.dtype: q8_0' is a GGUF tensor type; a Hugging Face folder holds f32, f16 or bf16.");
        }
        var edits = VariantExport.EditsOf(variant, config.Name);
        using var baked = WeightBaker.Bake(VariantExport.SourceOf(variant, request.Model.Model), edits);
        Directory.CreateDirectory(request.FormatFolder is { } target ? Path.GetDirectoryName(Path.GetFullPath(target))! : request.Folder);
        ReleaseCost? cost = null;
        IReadOnlyList<ReleaseCost> further = [];
        var lines = new List<string>();
        if (request.ReleaseCost && baked.BannedTokens.Count > 0)
        {
            // Beside a single-format folder until it is written (the export replaces that folder as a whole), then inside it.
            var path = request.FormatFolder is { } single ? single.TrimEnd(Path.DirectorySeparatorChar) + "." + VariantExport.ReleaseCostFile
                : Path.Combine(request.Folder, VariantExport.ReleaseCostFile);
            VariantExport.MeasureReleaseCost(config, request.Model, request.EntryOf("BuildExamples"), variant, baked, path, null, request.CancellationToken);
            cost = VariantExport.ReadReleaseCost(path, variant.Name);
            further = VariantExport.FurtherReleaseMetrics.Select(m => VariantExport.ReadReleaseCost(path, variant.Name, m)).ToList();
            lines.Add($"{variant.Name}: target rate {cost.NegativeInfinity} with the −∞ mask, {cost.ZeroRow} as exported weights alone (zero-row form)");
        }
        string modelName = Path.GetFileName(config.Model.FullPath.TrimEnd(Path.DirectorySeparatorChar));
        var card = new ModelCardInfo
        {
            Title = $"{modelName} / {variant.Name}",
            Variant = variant.Name,
            Key = request.Key,
            BaseModel = modelName,
            Description = $"The {variant.Name} variant: {variant.Description}.",
            Metrics = VariantExport.CardMetrics(request.EntryOf("Evaluate"), variant.Name),
            ReleaseCost = cost,
            FurtherReleaseCosts = further,
        };
        var chat = StageModel.Template(config, request.Model.RequireTokenizer());
        foreach (var format in request.Formats)
        {
            var result = ModelExporter.Write(request.Model, baked, new ExportRequest
            {
                Format = format == ExportFormatChoice.Gguf ? ExportFormat.Gguf : ExportFormat.HuggingFace,
                DType = dtype,
                OutputFolder = request.FormatFolder ?? Path.Combine(request.Folder, ExperimentSchema.ChoiceName(format)),
                Card = card,
                ChatFormat = chat,
            });
            lines.Add($"{variant.Name}: wrote {ExperimentSchema.ChoiceName(format)} ({dtype.Name()}): {string.Join(", ", result.Files)}");
        }
        if (request.FormatFolder is { } folder && cost is not null)
        {
            File.Move(folder.TrimEnd(Path.DirectorySeparatorChar) + "." + VariantExport.ReleaseCostFile, Path.Combine(folder, VariantExport.ReleaseCostFile), overwrite: true);
        }
        return lines;
    }

    /// <summary>The experiment's base model as Export loads it: on the managed engine (baking writes managed weights), with its tokenizer.</summary>
    public static PretrainedModel LoadModel(ExperimentConfig config) => StageModel.LoadManaged(config);

    public static ExportDType DTypeOf(ExportTensorType type) => type switch
    {
        ExportTensorType.F32 => ExportDType.F32,
        ExportTensorType.F16 => ExportDType.F16,
        ExportTensorType.BF16 => ExportDType.BF16,
        ExportTensorType.Q8_0 => ExportDType.Q8_0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
