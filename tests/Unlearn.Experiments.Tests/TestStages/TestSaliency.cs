// Test double of Saliency: diff-means scores per dimension of every cached site, the top
// prune_fraction of all dimensions selected globally, written as scores.json and selection.json.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;

namespace Unlearn.TestStages;

public sealed class TestSaliency : IStage
{
    public string Name => "Saliency";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => ["CacheActivations"];

    public JsonNode KeySection(ExperimentConfig config) => KeyJson.Of(config, "saliency");

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) => [];

    public void Run(StageContext context)
    {
        var cached = JsonSerializer.Deserialize<Dictionary<string, double[][]>>(
            File.ReadAllText(Path.Combine(context.Upstream("CacheActivations"), "activations.json")))!;
        var scores = new List<(string Site, int Dimension, double Score)>();
        foreach (var (name, concept) in cached.Where(p => p.Key.StartsWith("concept/", StringComparison.Ordinal)))
        {
            var site = name["concept/".Length..];
            var background = cached["background/" + site];
            for (var d = 0; d < TestCacheActivations.Width; d++)
            {
                var difference = concept.Average(r => r[d]) - background.Average(r => r[d]);
                scores.Add((site, d, Math.Abs(difference) * context.Config.Saliency.C));
            }
        }
        var budget = Math.Max(1, (int)Math.Floor(context.Config.Saliency.PruneFraction * scores.Count));
        var selection = scores.OrderByDescending(s => s.Score).ThenBy(s => s.Site, StringComparer.Ordinal).ThenBy(s => s.Dimension).Take(budget)
            .Select(s => new { site = s.Site, dimension = s.Dimension, score = s.Score }).ToArray();
        File.WriteAllText(Path.Combine(context.OutputDirectory, "scores.json"),
            JsonSerializer.Serialize(scores.Select(s => new { site = s.Site, dimension = s.Dimension, score = s.Score })));
        StageControl.For(context.Config.RepositoryRoot).Apply(Name, context.OutputDirectory, context.CancellationToken);
        File.WriteAllText(Path.Combine(context.OutputDirectory, "selection.json"), JsonSerializer.Serialize(selection));
    }
}
