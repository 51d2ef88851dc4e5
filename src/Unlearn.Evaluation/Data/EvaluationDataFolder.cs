// Reads an evaluation data folder (the layout data/play/ uses; README.md there describes each file) together with
// the experiment's concept definition (data/play-concept-def.json: {"concept-definition": [terms], "test-prompts":
// [prompts]}, the seed format), whose test prompts are the concept prompts the evaluation samples:
//   concept-probes.jsonl     {"prompt", "continuation"} per line
//   domain-probes.jsonl      {"domain", "group": "adjacent"|"unrelated", "prompt", "continuation"} per line
//   background.jsonl         {"text"} per line
//   adjacent-terms.json      {"terms": [words]}
//   multiple-choice.jsonl    {"context", "choices": [texts], "answer": index} per line
//   leak-probes.json         {"patterns": [regex], "prompts": [prompts], "entities": [names]} (optional; entities
//                            optional: related names matched literally as whole words, each a leak too)
//   independent.jsonl        {"text"} per line: text no model wrote, scored for perplexity  (optional; metrics
//                            independent_perplexity[_ratio]; the folder's README says where it comes from)
using System.Text.Json;

namespace Unlearn.Evaluation.Data;

public static class EvaluationDataFolder
{
    public const string ConceptProbesFile = "concept-probes.jsonl";
    public const string DomainProbesFile = "domain-probes.jsonl";
    public const string BackgroundFile = "background.jsonl";
    public const string AdjacentTermsFile = "adjacent-terms.json";
    public const string MultipleChoiceFile = "multiple-choice.jsonl";
    public const string LeakProbesFile = "leak-probes.json";
    public const string IndependentTextFile = "independent.jsonl";

    /// <summary>The perplexity text independent.jsonl becomes.</summary>
    public const string IndependentTextName = "independent";

    /// <summary>The files <see cref="Load"/> reads that must exist (leak-probes.json is optional).</summary>
    public static IReadOnlyList<string> RequiredFiles { get; } =
        [ConceptProbesFile, DomainProbesFile, BackgroundFile, AdjacentTermsFile, MultipleChoiceFile];

    /// <exception cref="EvaluationDataException">a file is missing or malformed (named with line and field)</exception>
    public static EvaluationData Load(string folder, string conceptDefinitionPath)
    {
        var concept = ConceptDefinition.Load(conceptDefinitionPath);
        if (concept.TestPrompts.Count == 0)
        {
            throw new EvaluationDataException(conceptDefinitionPath, $"'{ConceptDefinition.PromptsField}' is missing or empty; the evaluation samples these prompts (`unlearn make-data` writes them).");
        }
        return Load(folder, concept.TestPrompts);
    }

    /// <summary>The data folder with the concept prompts given directly (an experiment's evaluate.prompts or concept test prompts).</summary>
    public static EvaluationData Load(string folder, IReadOnlyList<string> conceptPrompts)
    {
        if (!Directory.Exists(folder))
        {
            throw new EvaluationDataException(folder, $"the evaluation data folder does not exist (expected {string.Join(", ", RequiredFiles)}).");
        }
        string Path(string name) => System.IO.Path.Combine(folder, name);
        var data = new EvaluationData
        {
            ConceptPrompts = conceptPrompts,
            ConceptProbes = ReadPairs(Path(ConceptProbesFile)),
            Domains = ReadDomains(Path(DomainProbesFile)),
            BackgroundDocuments = JsonFields.ReadLines(Path(BackgroundFile)).Select(l => JsonFields.String(l.Row, "text", l.Where)).ToList(),
            AdjacentTerms = JsonFields.StringArray(JsonFields.ReadDocument(Path(AdjacentTermsFile)), "terms", Path(AdjacentTermsFile)),
            MultipleChoice = ReadMultipleChoice(Path(MultipleChoiceFile)),
            LeakProbes = File.Exists(Path(LeakProbesFile)) ? ReadLeakProbes(Path(LeakProbesFile)) : null,
            BackgroundDescription = $"{BackgroundFile} of the evaluation data",
            Texts = File.Exists(Path(IndependentTextFile))
                ? [new PerplexityText(IndependentTextName, $"{IndependentTextFile} of the evaluation data: text no model wrote (see the folder's README)",
                    JsonFields.ReadLines(Path(IndependentTextFile)).Select(l => JsonFields.String(l.Row, "text", l.Where)).ToList())]
                : [],
        };
        data.Validate();
        return data;
    }

    private static List<ProbePair> ReadPairs(string path) =>
        JsonFields.ReadLines(path)
            .Select(l => new ProbePair(JsonFields.String(l.Row, "prompt", l.Where), JsonFields.String(l.Row, "continuation", l.Where)))
            .ToList();

    // Domains keep the order of their first appearance in the file.
    private static List<DomainProbeSet> ReadDomains(string path)
    {
        var order = new List<string>();
        var groups = new Dictionary<string, DomainGroup>(StringComparer.Ordinal);
        var pairs = new Dictionary<string, List<ProbePair>>(StringComparer.Ordinal);
        foreach (var (row, where) in JsonFields.ReadLines(path))
        {
            string domain = JsonFields.String(row, "domain", where);
            string groupText = JsonFields.String(row, "group", where);
            var group = groupText switch
            {
                "adjacent" => DomainGroup.Adjacent,
                "unrelated" => DomainGroup.Unrelated,
                _ => throw new EvaluationDataException(where, $"field 'group' must be 'adjacent' or 'unrelated' (got '{groupText}')."),
            };
            if (!groups.TryGetValue(domain, out var known))
            {
                order.Add(domain);
                groups[domain] = group;
                pairs[domain] = [];
            }
            else if (known != group)
            {
                throw new EvaluationDataException(where, $"domain '{domain}' was listed as {known.ToString().ToLowerInvariant()} earlier in the file and as {groupText} here.");
            }
            pairs[domain].Add(new ProbePair(JsonFields.String(row, "prompt", where), JsonFields.String(row, "continuation", where)));
        }
        return order.Select(d => new DomainProbeSet(d, groups[d], pairs[d])).ToList();
    }

    private static List<MultipleChoiceItem> ReadMultipleChoice(string path) =>
        JsonFields.ReadLines(path)
            .Select(l => new MultipleChoiceItem(
                JsonFields.String(l.Row, "context", l.Where),
                JsonFields.StringArray(l.Row, "choices", l.Where),
                JsonFields.Int(l.Row, "answer", l.Where)))
            .ToList();

    private static LeakProbeSet ReadLeakProbes(string path)
    {
        JsonElement root = JsonFields.ReadDocument(path);
        var entities = root.TryGetProperty("entities", out _) ? JsonFields.StringArray(root, "entities", path) : [];
        var patterns = root.TryGetProperty("patterns", out _) || entities.Count == 0 ? JsonFields.StringArray(root, "patterns", path) : [];
        return new LeakProbeSet(JsonFields.StringArray(root, "prompts", path), patterns) { Entities = entities };
    }
}
