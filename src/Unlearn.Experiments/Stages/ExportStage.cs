// Export (docs/export.md): each variant the export: block lists, resolved by VariantResolver exactly as Evaluate
// scored it, baked into plain weights and written as a Hugging Face folder and/or a GGUF file (with Modelfile and the
// −∞ ban list), the model card carrying the variant's metrics from Evaluate and — for a variant with a −∞ mask — the
// release cost: the exported zero-row weights against the −∞ variant, scored on Evaluate's prompts and seeds.
// Present only when the experiment has an export: block. Outputs: <variant>/<format>/… and <variant>/release-cost.json;
// the experiment's view is artifacts/<experiment>/export/<variant>/<format>/ (the card then names the experiment).
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Variants;
using Unlearn.Models;
using Unlearn.Models.Export;

namespace Unlearn.Experiments.Stages;

public sealed class ExportStage : IPublishingStage
{
    public const string ViewFolder = "export";

    public string Name => "Export";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => ["BuildExamples", "Saliency", "Direction", "PruneVocab", "Repair", "Evaluate"];

    /// <summary>Direction (the direction-removed variant's u) exists, and is read, only with edits.direction.enabled.</summary>
    public IReadOnlyList<string> UpstreamOf(ExperimentConfig config) =>
        config.Edits.Direction.Enabled ? Upstream : Upstream.Where(stage => stage != "Direction").ToArray();

    public bool IsPartOf(ExperimentConfig config) => config.Export is not null;

    public string PresentWhen => "it has an export: block (docs/export.md)";

    /// <summary>Baking writes managed weights and the release cost is scored on them, so Export runs on the managed engine
    /// whatever settings.backend says: its key has no runtime entry.</summary>
    public SettingsUse Settings => SettingsUse.Seed | SettingsUse.Dtype | SettingsUse.Gemm;

    /// <remarks>Evaluate's whole key section too: the release cost is scored with its settings, data and prompts.</remarks>
    public JsonNode KeySection(ExperimentConfig config)
    {
        var section = (JsonObject)new EvaluateStage().KeySection(config);
        section["export"] = KeyJson.Section(Require(config));
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) => new EvaluateStage().ExternalInputs(config);

    public void Run(StageContext context)
    {
        var config = context.Config;
        var export = Require(config);
        using var model = StageModel.LoadManaged(config);
        int done = 0, total = export.Variants.Count;
        foreach (var choice in export.Variants)
        {
            string name = VariantResolver.NameOf(choice);
            context.Progress.Report(done, total, $"variants exported ({name})");
            using var variant = VariantResolver.Resolve(choice, config, context.Upstream, model.Runtime);
            var written = ExperimentExport.Write(new ExperimentExportRequest
            {
                Config = config,
                Model = model,
                Variant = variant,
                EntryOf = context.Upstream,
                Key = context.Key,
                Folder = Path.Combine(context.OutputDirectory, name),
                Formats = export.Formats,
                DType = export.DType,
                ReleaseCost = export.ReleaseCost,
                CancellationToken = context.CancellationToken,
            });
            foreach (var line in written)
            {
                context.Log.Info(line);
            }
            done++;
        }
    }

    /// <summary>artifacts/&lt;experiment&gt;/export/: the entry's folders copied, each model card naming the experiment.</summary>
    public IReadOnlyList<string> Publish(PublishContext context)
    {
        var target = Path.Combine(context.ViewDirectory, ViewFolder);
        var staging = target + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        var published = new List<string>();
        foreach (var variantFolder in Directory.EnumerateDirectories(context.EntryDirectory).Order(StringComparer.Ordinal))
        {
            string variant = Path.GetFileName(variantFolder);
            foreach (var file in Directory.EnumerateFiles(variantFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(context.EntryDirectory, file);
                var destination = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                if (Path.GetFileName(file) == ModelCard.FileName)
                {
                    File.WriteAllText(destination, ModelCard.WithExperiment(File.ReadAllText(file), context.Config.Name));
                    published.Add(Path.Combine(target, relative));
                }
                else
                {
                    File.Copy(file, destination);
                }
            }
        }
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        Directory.CreateDirectory(staging);
        Directory.Move(staging, target);
        return published.Count > 0 ? published : [target];
    }

    internal static ExportConfig Require(ExperimentConfig config) =>
        config.Export ?? throw new InvalidOperationException("Export was asked for an experiment without an export: block.");
}
