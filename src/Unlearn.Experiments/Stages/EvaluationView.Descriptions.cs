// What the report says about how its result came about: each variant's definition (the schema's own description of
// the variant, with the edits it applies counted from the upstream entries: rows masked, tokens masked, adapter
// trained) and the settings that matter (sites, layers, budget, vocabulary mask, LoRA rank and steps, sampling,
// GEMM). A variant the schema describes but this file does not know the ingredients of keeps its description alone.
using System.Globalization;
using System.Text.Json;
using Unlearn.Evaluation;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using VariantChoice = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Stages;

internal static partial class EvaluationView
{
    private enum Ingredient
    {
        RowMasks,
        VocabularyEdits,
        Adapter,
        SaeFeatures,
        SaeRandomFeatures,
    }

    private static readonly Dictionary<VariantChoice, Ingredient[]> Ingredients = new()
    {
        [VariantChoice.Base] = [],
        [VariantChoice.Concept] = [Ingredient.RowMasks],
        [VariantChoice.Vocab] = [Ingredient.VocabularyEdits],
        [VariantChoice.Hybrid] = [Ingredient.RowMasks, Ingredient.VocabularyEdits],
        [VariantChoice.HybridRepair] = [Ingredient.RowMasks, Ingredient.VocabularyEdits, Ingredient.Adapter],
        [VariantChoice.SaeAblated] = [Ingredient.SaeFeatures],
        [VariantChoice.SaeRandom] = [Ingredient.SaeRandomFeatures],
    };

    /// <summary>What the upstream entries say they did, in words (null where the entry or the field is absent).</summary>
    private sealed record UpstreamFacts(string? RowMasks, string? Budget, string? VocabularyEdits, string? Adapter, string? SaeFeatures, string? SaeRandomFeatures)
    {
        public static UpstreamFacts Read(string? saliency, string? vocabulary, string? repair, EvaluationResult result) => new(
            Try(saliency, "selection.json", s => $"{Int(s, "selected_rows")} weight rows masked (the top {Int(s, "selected_units")} of {Int(s, "candidate_units")} scored units)"),
            Try(saliency, "selection.json", s => $"{Int(s, "budget")} of {Int(s, "candidate_units")} candidate units"),
            Try(vocabulary, "vocab-edits.json", v => VocabularyText(v, result)),
            Try(repair, "summary.json", r => AdapterText(r)),
            Try(saliency, "features.json", f => $"latents {Latents(f.GetProperty("features").EnumerateArray().Select(e => e.GetProperty("latent")))} of {f.GetProperty("sae").GetProperty("d_sae")} at {f.GetProperty("sae").GetProperty("site").GetString()} (features.json)"),
            Try(saliency, "random-features.json", f => $"latents {Latents(f.GetProperty("latents").EnumerateArray())} (random-features.json)"));

        private static string Latents(IEnumerable<JsonElement> latents) => string.Join(", ", latents.Select(l => l.GetInt32().ToString(CultureInfo.InvariantCulture)));

        private static string VocabularyText(JsonElement edits, EvaluationResult result)
        {
            var names = result.Data.TargetTokens.ToDictionary(t => t.Id, t => t.Token);
            var masked = edits.GetProperty("masked_logits").EnumerateArray().Select(e => e.GetInt32()).ToList();
            var zeroedLogits = edits.TryGetProperty("zeroed_logits", out var z) ? z.GetArrayLength() : 0;
            var embedding = edits.TryGetProperty("zeroed_embedding_rows", out var r) ? r.GetArrayLength() : 0;
            var shown = string.Join(" ", masked.Take(8).Select(id => names.TryGetValue(id, out var token) ? token : id.ToString(CultureInfo.InvariantCulture)));
            var parts = new List<string>();
            if (masked.Count > 0)
            {
                parts.Add($"{masked.Count} token logit{(masked.Count == 1 ? "" : "s")} set to −∞ ({shown}{(masked.Count > 8 ? " …" : "")})");
            }
            if (zeroedLogits > 0)
            {
                parts.Add($"{zeroedLogits} logit row{(zeroedLogits == 1 ? "" : "s")} zeroed");
            }
            if (embedding > 0)
            {
                parts.Add($"{embedding} input embedding row{(embedding == 1 ? "" : "s")} zeroed");
            }
            return parts.Count == 0 ? "no vocabulary token matched the concept" : string.Join(", ", parts);
        }

        private static string? AdapterText(JsonElement summary)
        {
            if (!summary.TryGetProperty("settings", out var settings) || !settings.TryGetProperty("lora", out var lora))
            {
                return null;
            }
            var targets = lora.TryGetProperty("targets", out var t) ? string.Join(", ", t.EnumerateArray().Select(x => x.GetString())) : "";
            return $"a LoRA adapter (rank {lora.GetProperty("rank")}, alpha {lora.GetProperty("alpha")}{(targets.Length > 0 ? $", on {targets}" : "")}) trained by Repair";
        }

        private static string? Try(string? folder, string file, Func<JsonElement, string?> describe)
        {
            var path = folder is null ? null : Path.Combine(folder, file);
            if (path is null || !File.Exists(path))
            {
                return null;
            }
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                return describe(document.RootElement);
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return null;
            }
        }

        private static int Int(JsonElement element, string name) => element.GetProperty(name).GetInt32();
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Definitions(ExperimentConfig config, IReadOnlyList<string> variants, UpstreamFacts facts)
    {
        var choices = ExperimentSchema.ChoicesOf(typeof(VariantChoice));
        var definitions = new List<KeyValuePair<string, string>>();
        foreach (var variant in variants)
        {
            var choice = choices.FirstOrDefault(c => c.Name == variant);
            var doc = choice?.Doc ?? "not a variant this version of the schema describes";
            var edits = choice is not null && Ingredients.TryGetValue((VariantChoice)choice.Value, out var list)
                ? list.Select(i => i switch
                {
                    Ingredient.RowMasks => facts.RowMasks is { } masks ? $"Saliency: {masks}" : null,
                    Ingredient.VocabularyEdits => facts.VocabularyEdits is { } vocab ? $"PruneVocab: {vocab}" : null,
                    Ingredient.SaeFeatures or Ingredient.SaeRandomFeatures => (i == Ingredient.SaeFeatures ? facts.SaeFeatures : facts.SaeRandomFeatures) is { } latents
                        ? $"Saliency: {latents}, the first {config.Sae?.Ablation.Features?.ToString(CultureInfo.InvariantCulture) ?? "all"} scaled by {config.Sae?.Ablation.Scale.ToString(CultureInfo.InvariantCulture)}"
                        : null,
                    _ => facts.Adapter is { } adapter ? $"Repair: {adapter}{(config.Repair.KeepMasks ? ", under the masks" : ", masks not re-applied")}" : null,
                }).OfType<string>().ToList()
                : [];
            definitions.Add(new(variant, edits.Count == 0 ? doc : $"{doc} — {string.Join("; ", edits)}"));
        }
        return definitions;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> KeySettings(ExperimentConfig config, NumericsEnvironment numerics, UpstreamFacts facts, IReadOnlyList<LossPoint>? loss)
    {
        var c = CultureInfo.InvariantCulture;
        var settings = new List<KeyValuePair<string, string>>();
        if (config.ModelInfo is { } model)
        {
            settings.Add(new("model", string.Create(c, $"{Relative(config, config.Model.FullPath)}: {model.Architecture}, {model.LayerCount} layers, width {model.HiddenSize}, vocabulary {model.VocabularySize}")));
        }
        var activations = config.Activations;
        var layers = activations.Layers.Resolved is { } resolved ? string.Join(", ", resolved) : activations.Layers.ToString();
        settings.Add(new("sites × layers", $"{string.Join(", ", activations.Sites.Select(s => ExperimentSchema.ChoiceName(s)))} × layers {layers} ({ExperimentSchema.ChoiceName(activations.Pooling)} pooling)"));
        var saliency = config.Saliency;
        if (saliency.Method == SaliencyMethod.Sae && config.Sae is { } sae)
        {
            settings.Add(new("sae", string.Create(c,
                $"TopK, k {sae.K}, {(sae.DSae is { } width ? $"{width} latents" : $"expansion {sae.Expansion}")} at layers.{sae.ResolvedLayer ?? sae.Layer}.{ExperimentSchema.ChoiceName(sae.Site)}; discovery score {ExperimentSchema.ChoiceName(sae.Discovery.Score)}, top_n {sae.Discovery.TopN}; ablation scale {sae.Ablation.Scale}, {ExperimentSchema.ChoiceName(sae.Ablation.Gate)} gate")));
        }
        else
        {
            var c1 = saliency.CGrid.Count > 0 ? $"C chosen from [{string.Join(", ", saliency.CGrid.Select(v => v.ToString(c)))}]" : string.Create(c, $"C {saliency.C}");
            settings.Add(new("saliency", string.Create(c, $"{ExperimentSchema.ChoiceName(saliency.Method)}, {c1}, prune_fraction {saliency.PruneFraction}{(facts.Budget is { } budget ? $": budget {budget}" : "")}")));
        }
        if (config.Vocab.Enabled)
        {
            settings.Add(new("vocabulary", $"match {ExperimentSchema.ChoiceName(config.Vocab.Match)}, logit mask {ExperimentSchema.ChoiceName(config.Vocab.LogitMask)}, embeddings {(config.Vocab.ZeroEmbeddings ? "zeroed" : "kept")}"));
        }
        var repair = config.Repair;
        if (repair.Enabled)
        {
            var steps = loss is { Count: > 0 } ? $"{loss.Count} steps" : repair.MaxSteps > 0 ? $"{repair.MaxSteps} steps" : $"{repair.Epochs} epoch(s)";
            var data = repair.Dataset is { } dataset ? Relative(config, dataset.FullPath) : repair.Generate is { } generate ? $"{generate.Count} samples of the base model" : "—";
            settings.Add(new("repair", string.Create(c,
                $"{ExperimentSchema.ChoiceName(repair.Objective)}: LoRA rank {repair.Lora.Rank}, alpha {repair.Lora.Alpha}, learning rate {repair.LearningRate}, {steps} (micro-batch {repair.MicroBatchSize} × {repair.GradientAccumulation}), data: {data}")));
        }
        else
        {
            settings.Add(new("repair", "disabled"));
        }
        var evaluate = config.Evaluate;
        settings.Add(new("sampling", string.Create(c,
            $"{evaluate.Prompts.Count} prompts × {evaluate.Seeds.Count} seeds × {evaluate.SamplesPerPrompt} samples, at most {evaluate.MaxNewTokens} new tokens, temperature {evaluate.Temperature}")));
        // A torch run names its runtime (device, precision, threads); a managed run's line is what it always was.
        settings.Add(new("numerics", numerics.RuntimeKey is { } runtime
            ? $"{runtime} ({numerics.Gemm} GEMM for what does not run the model); seed {config.Seed}"
            : $"{numerics.Gemm} GEMM, {numerics.Dtype}; seed {config.Seed}"));
        return settings;
    }
}
