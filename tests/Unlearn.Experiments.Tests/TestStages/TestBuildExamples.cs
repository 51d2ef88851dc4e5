// Test double of BuildExamples: reads the supplied seed-format examples file, drops examples outside
// the word-count bounds, de-duplicates, caps each class and writes examples.json and stats.json.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;

namespace Unlearn.TestStages;

public sealed class TestBuildExamples : IStage
{
    public string Name => "BuildExamples";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => [];

    public SettingsUse Settings => SettingsUse.Seed;

    public JsonNode KeySection(ExperimentConfig config) => new JsonObject
    {
        ["examples"] = KeyJson.Section(config.Examples),
        ["concept"] = KeyJson.Select(config.Concept, "terms", "inflections"),
    };

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        config.Examples.Supplied is { } supplied ? [ExternalInput.File("examples file", supplied.FullPath)] : [];

    public void Run(StageContext context)
    {
        var examples = context.Config.Examples;
        var source = JsonNode.Parse(File.ReadAllText(examples.Supplied!.FullPath))!;
        var concept = Filter(source["concept_examples"]!.AsArray(), examples, examples.ConceptCount);
        var background = Filter(source["background_examples"]!.AsArray(), examples, examples.BackgroundCount);
        for (var i = 0; i < concept.Count; i++)
        {
            context.Progress.Report(i + 1, concept.Count, "examples");
        }
        File.WriteAllText(Path.Combine(context.OutputDirectory, "examples.json"),
            JsonSerializer.Serialize(new { concept_examples = concept, background_examples = background }));
        StageControl.For(context.Config.RepositoryRoot).Apply(Name, context.OutputDirectory, context.CancellationToken);
        File.WriteAllText(Path.Combine(context.OutputDirectory, "stats.json"),
            JsonSerializer.Serialize(new { concept = concept.Count, background = background.Count }));
    }

    private static List<string> Filter(JsonArray texts, ExamplesConfig examples, int cap)
    {
        var kept = new List<string>();
        foreach (var text in texts.Select(t => t!.GetValue<string>()))
        {
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (words >= examples.MinWords && words <= examples.MaxWords && (!examples.Dedupe || !kept.Contains(text)) && kept.Count < cap)
            {
                kept.Add(text);
            }
        }
        return kept;
    }
}
