// `unlearn import-config`: turns the seed repository's JSON config ("Unlearning to Rest",
// config-files/*.json; keys in docs/experiments.md) into an experiment YAML, with comments saying
// where each value came from and which seed behaviours the experiment corrects.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Unlearn.Experiments.Import;

/// <summary>The seed config is not JSON, or not the seed's config format.</summary>
public sealed class SeedConfigException(string message) : Exception(message);

public static partial class SeedConfigImporter
{
    private static readonly Dictionary<string, string[]> Known = new(StringComparer.Ordinal)
    {
        ["base_model"] = ["base_model_path", "model_type", "device"],
        ["neural_pruning"] = ["concept_definition", "examples", "activations_file_path", "prune_concept", "prune_vocabulary", "num_layers", "prune_percentage"],
        ["testing"] = ["max_length", "num_return_sequences", "temperature"],
        ["output"] = ["output_model_path", "make_pruning_permanent"],
    };

    /// <param name="json">The seed config's text.</param>
    /// <param name="sourceName">The seed file's name, for the header and the default experiment name.</param>
    /// <param name="pathPrefix">Prepended to the seed's repository-relative paths ("../" for experiments/).</param>
    public static string Convert(string json, string sourceName, string pathPrefix = "../")
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException exception)
        {
            throw new SeedConfigException($"'{sourceName}' is not valid JSON: {exception.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("neural_pruning", out _) && !root.TryGetProperty("base_model", out _))
        {
            throw new SeedConfigException($"'{sourceName}' is not a seed config: expected an object with \"base_model\" and \"neural_pruning\".");
        }
        var seed = new SeedValues(root);
        var yaml = new StringBuilder();
        WriteHeader(yaml, seed, sourceName, pathPrefix);
        WriteConceptAndExamples(yaml, seed, pathPrefix);
        WriteActivationsAndSaliency(yaml, seed);
        WriteVocabRepairEvaluate(yaml, seed);
        WriteLeftovers(yaml, seed, root);
        return yaml.ToString();
    }

    private static void WriteHeader(StringBuilder yaml, SeedValues seed, string sourceName, string prefix)
    {
        yaml.AppendLine($"# Imported from the seed config {sourceName} by `unlearn import-config`.");
        yaml.AppendLine("# Paths are relative to this file; the seed's were relative to its repository root, so check them.");
        yaml.AppendLine($"name: {YamlText.Scalar(NameFrom(sourceName))}");
        var modelId = seed.String("base_model", "base_model_path") ?? "meta-llama/Llama-3.2-3B-Instruct";
        var folder = modelId.Contains('/') ? modelId[(modelId.LastIndexOf('/') + 1)..] : modelId;
        yaml.AppendLine($"# base_model.base_model_path was the Hugging Face id {modelId}: download that folder here.");
        yaml.AppendLine("# (base_model.model_type and .device are not needed: the architecture comes from config.json.)");
        yaml.AppendLine($"model: {YamlText.Scalar(prefix + "models/" + folder)}");
        yaml.AppendLine("# Seed behaviour corrected: nothing was seeded; every random choice here follows this seed.");
        yaml.AppendLine("seed: 0");
    }

    private static void WriteConceptAndExamples(StringBuilder yaml, SeedValues seed, string prefix)
    {
        yaml.AppendLine("concept:");
        var definition = seed.String("neural_pruning", "concept_definition");
        if (definition is not null)
        {
            yaml.AppendLine($"  definition: {YamlText.Scalar(prefix + definition)}");
        }
        else
        {
            yaml.AppendLine("  # The seed config named no concept definition: list the target terms here.");
            yaml.AppendLine("  terms: []");
        }
        yaml.AppendLine("examples:");
        var examples = seed.String("neural_pruning", "examples");
        if (examples is not null)
        {
            yaml.AppendLine($"  # neural_pruning.examples (seed format: concept_examples / background_examples).");
            yaml.AppendLine($"  supplied: {YamlText.Scalar(prefix + examples)}");
        }
        else
        {
            yaml.AppendLine("  # The seed config named no examples file: generate them from the model's own samples.");
            yaml.AppendLine("  generate: {}");
        }
    }

    private static void WriteActivationsAndSaliency(StringBuilder yaml, SeedValues seed)
    {
        var moduleCount = seed.Int("neural_pruning", "num_layers") ?? 8;
        var blocks = Math.Max(1, (moduleCount + 1) / 2);
        yaml.AppendLine("activations:");
        yaml.AppendLine("  # The seed hooked the self_attn and mlp module outputs: attn.out and mlp.out (residual width).");
        yaml.AppendLine("  sites: [attn.out, mlp.out]");
        yaml.AppendLine($"  # neural_pruning.num_layers: {moduleCount} counted module names (self_attn and mlp of each block),");
        yaml.AppendLine($"  # i.e. the last {blocks} decoder blocks.");
        yaml.AppendLine($"  layers: last {blocks}");
        yaml.AppendLine("  pooling: mean");
        yaml.AppendLine("  # Seed behaviour corrected: the seed's mean included the BOS position, whose activations dominate it.");
        yaml.AppendLine("  exclude_special: true");
        var cache = seed.Raw("neural_pruning", "activations_file_path");
        if (cache is { ValueKind: JsonValueKind.Null })
        {
            yaml.AppendLine("  # Seed: activations_file_path was null, which made the seed prune random weights instead (an");
            yaml.AppendLine("  # unseeded random-pruning control). Unlearn has no random-pruning stage yet: this experiment");
            yaml.AppendLine("  # uses saliency pruning. Compare against a control explicitly when one is available.");
        }
        else if (cache is { ValueKind: JsonValueKind.String })
        {
            yaml.AppendLine($"  # Seed: activations were cached in {cache.Value.GetString()} (pickled npz); here CacheActivations");
            yaml.AppendLine("  # stores them, content-addressed, in artifacts/cache/.");
        }
        yaml.AppendLine("saliency:");
        yaml.AppendLine("  method: l1-logistic");
        yaml.AppendLine("  # Seed: C was hard-coded to 2 in the code (the config had no key for it).");
        yaml.AppendLine("  C: 2");
        var fraction = seed.Number("neural_pruning", "prune_percentage") ?? 0.0085;
        yaml.AppendLine("  # neural_pruning.prune_percentage, as a budget in weight rows (the seed's newest version;");
        yaml.AppendLine("  # an earlier one counted weight elements, so the budget never bound).");
        yaml.AppendLine($"  prune_fraction: {YamlText.Number(fraction)}");
        yaml.AppendLine("  # Seed behaviour corrected: dimensions were mapped to rows of q_proj / up_proj, a different index");
        yaml.AppendLine("  # space; here attn.out dims mask o_proj rows and mlp.out dims mask down_proj rows.");
        yaml.AppendLine("  # `compat: seed` reproduces the seed's mapping for comparison.");
        yaml.AppendLine("  compat: none");
        yaml.AppendLine("  # Added: probe accuracy on a held-out split (the seed reported none).");
        yaml.AppendLine("  holdout: 0.2");
    }

    private static void WriteVocabRepairEvaluate(StringBuilder yaml, SeedValues seed)
    {
        var pruneConcept = seed.Bool("neural_pruning", "prune_concept") ?? true;
        var pruneVocabulary = seed.Bool("neural_pruning", "prune_vocabulary") ?? true;
        yaml.AppendLine("vocab:");
        yaml.AppendLine($"  enabled: {(pruneVocabulary ? "true" : "false")}   # neural_pruning.prune_vocabulary");
        yaml.AppendLine("  # Seed behaviour corrected: substring matching masked e.g. 'position' for 'sit'; whole words here.");
        yaml.AppendLine("  match: word");
        yaml.AppendLine("  # Seed behaviour corrected: masked tokens got logit 0, which can still be sampled; minus infinity here.");
        yaml.AppendLine("  logit_mask: neg_inf");
        yaml.AppendLine("repair:");
        yaml.AppendLine("  # The seed's repair (LoRA on FineTome-100k without concept conversations) has no code or settings;");
        yaml.AppendLine("  # enable it and name a dataset to run it (defaults: r 16, alpha 16, lr 2e-4, 1 epoch).");
        yaml.AppendLine("  enabled: false");
        yaml.AppendLine("evaluate:");
        var variants = new List<string> { "base" };
        if (pruneConcept)
        {
            variants.Add("concept");
        }
        if (pruneVocabulary)
        {
            variants.Add("vocab");
        }
        if (pruneConcept && pruneVocabulary)
        {
            variants.Add("hybrid");
        }
        if (!pruneConcept)
        {
            yaml.AppendLine("  # neural_pruning.prune_concept was false: the concept-pruned variants are not evaluated.");
        }
        yaml.AppendLine($"  variants: {YamlText.Flow(variants)}");
        var maxLength = seed.Int("testing", "max_length") ?? 100;
        yaml.AppendLine($"  max_new_tokens: {maxLength}   # testing.max_length");
        var samples = seed.Int("testing", "num_return_sequences") ?? 4;
        yaml.AppendLine($"  samples_per_prompt: {samples}   # testing.num_return_sequences");
        var temperature = seed.Number("testing", "temperature");
        if (temperature is not null)
        {
            yaml.AppendLine("  # testing.temperature: the seed never read it (sampling used the model's generation config).");
            yaml.AppendLine($"  temperature: {YamlText.Number(temperature.Value)}");
        }
        yaml.AppendLine("  top_k: 50   # the seed sampled with top_k 50");
        yaml.AppendLine("  # Added: several seeds and bootstrap intervals (the seed printed four samples per prompt, no metric).");
        yaml.AppendLine("  seeds: [0, 1, 2]");
    }

    private static void WriteLeftovers(StringBuilder yaml, SeedValues seed, JsonElement root)
    {
        if (seed.String("output", "output_model_path") is { } output)
        {
            yaml.AppendLine($"# output.output_model_path was {output}: export a variant with `unlearn export` instead.");
        }
        if (seed.Raw("output", "make_pruning_permanent") is not null)
        {
            yaml.AppendLine("# output.make_pruning_permanent: exports always bake the masks into the weights.");
        }
        foreach (var section in root.EnumerateObject())
        {
            if (!Known.TryGetValue(section.Name, out var keys))
            {
                yaml.AppendLine($"# Not imported (unknown to the seed format): {section.Name} = {Compact(section.Value)}");
                continue;
            }
            if (section.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var key in section.Value.EnumerateObject().Where(k => !keys.Contains(k.Name)))
            {
                yaml.AppendLine($"# Not imported (unknown to the seed format): {section.Name}.{key.Name} = {Compact(key.Value)}");
            }
        }
    }

    private static string Compact(JsonElement value)
    {
        var text = value.GetRawText().ReplaceLineEndings(" ");
        return text.Length > 60 ? text[..59] + "…" : text;
    }

    /// <summary>"chair-3B-hybrid-config.json" → "chair-3B-hybrid".</summary>
    internal static string NameFrom(string sourceName)
    {
        var stem = Path.GetFileNameWithoutExtension(sourceName);
        if (stem.EndsWith("-config", StringComparison.OrdinalIgnoreCase) || stem.EndsWith("_config", StringComparison.OrdinalIgnoreCase))
        {
            stem = stem[..^"-config".Length];
        }
        stem = InvalidNameCharacters().Replace(stem, "-").Trim('-', '.', '_');
        return stem.Length == 0 ? "imported" : stem;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex InvalidNameCharacters();

    /// <summary>Typed access to "section.key" values of the seed config, null when absent or of another type.</summary>
    private sealed class SeedValues(JsonElement root)
    {
        public JsonElement? Raw(string section, string key) =>
            root.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty(key, out var v) ? v : null;

        public string? String(string section, string key) => Raw(section, key) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

        public int? Int(string section, string key) => Raw(section, key) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var i) ? i : null;

        public double? Number(string section, string key) => Raw(section, key) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;

        public bool? Bool(string section, string key) => Raw(section, key) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : null;
    }
}
