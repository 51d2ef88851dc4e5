// Test double of PruneVocab: the vocabulary entries of tokenizer.json ("model": {"vocab": {...}})
// that match a concept form (word or substring match, after stripping ▁/Ġ), written as tokens.json.
// Independent of every other stage, as the real one is.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;

namespace Unlearn.TestStages;

public sealed class TestPruneVocab : IStage
{
    public string Name => "PruneVocab";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => [];

    public SettingsUse Settings => SettingsUse.None;

    public JsonNode KeySection(ExperimentConfig config) => new JsonObject
    {
        ["vocab"] = KeyJson.Section(config.Vocab),
        ["concept"] = KeyJson.Select(config.Concept, "terms", "inflections"),
    };

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) => [ModelInputs.Tokenizer(config)];

    public void Run(StageContext context)
    {
        var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(context.Config.TokenizerPath, "tokenizer.json")))!;
        var forms = context.Config.Concept.AllForms;
        var substring = context.Config.Vocab.Match == VocabMatch.Substring;
        var matched = new List<object>();
        foreach (var (token, id) in tokenizer["model"]!["vocab"]!.AsObject())
        {
            var text = token.TrimStart('▁', 'Ġ').ToLowerInvariant();
            var term = forms.FirstOrDefault(f => substring ? text.Contains(f, StringComparison.Ordinal) : text == f);
            if (term is not null)
            {
                matched.Add(new { id = id!.GetValue<int>(), token, term });
            }
        }
        File.WriteAllText(Path.Combine(context.OutputDirectory, "tokens.json"), JsonSerializer.Serialize(matched));
        StageControl.For(context.Config.RepositoryRoot).Apply(Name, context.OutputDirectory, context.CancellationToken);
    }
}
