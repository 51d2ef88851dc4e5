// Test double of CacheActivations: a deterministic "activation" per example, site and layer — counts
// of character trigrams hashed into 8 buckets, pooled over words by mean or by the last word — written
// as activations.json. Reads the model's config and weights files only through their digests.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;

namespace Unlearn.TestStages;

public sealed class TestCacheActivations : IStage
{
    public const int Width = 8;

    public string Name => "CacheActivations";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => ["BuildExamples"];

    public JsonNode KeySection(ExperimentConfig config) => KeyJson.Of(config, "activations");

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        [ModelInputs.Weights(config), ModelInputs.Config(config)];

    public void Run(StageContext context)
    {
        var examples = JsonNode.Parse(File.ReadAllText(Path.Combine(context.Upstream("BuildExamples"), "examples.json")))!;
        var activations = context.Config.Activations;
        var result = new Dictionary<string, double[][]>();
        foreach (var site in activations.Sites)
        {
            foreach (var layer in activations.Layers.Resolved!)
            {
                foreach (var kind in new[] { "concept", "background" })
                {
                    var texts = examples[kind + "_examples"]!.AsArray().Select(t => t!.GetValue<string>());
                    result[$"{kind}/layers.{layer}.{ExperimentSchema.ChoiceName(site)}"] =
                        texts.Select(t => Features(t, layer, activations.Pooling)).ToArray();
                }
            }
        }
        File.WriteAllText(Path.Combine(context.OutputDirectory, "activations.json"), JsonSerializer.Serialize(result));
        StageControl.For(context.Config.RepositoryRoot).Apply(Name, context.OutputDirectory, context.CancellationToken);
    }

    public static double[] Features(string text, int layer, Pooling pooling)
    {
        var words = text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var pooled = new double[Width];
        var chosen = pooling == Pooling.Last ? words[^1..] : words;
        foreach (var word in chosen)
        {
            var padded = $"^{word}$";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                var bucket = (int)((uint)(padded[i] * 31 * 31 + padded[i + 1] * 31 + padded[i + 2] + layer) % Width);
                pooled[bucket] += 1.0 / chosen.Length;
            }
        }
        return pooled;
    }
}
