// The concept to suppress: its terms (from a seed-format definition file and/or inline) and the
// prompts used to test it. After loading, Terms and TestPrompts hold the merged lists.
namespace Unlearn.Experiments.Schema;

[Section("The concept: target terms, their inflections, and test prompts.")]
public sealed record ConceptConfig
{
    [Key("definition", PathKind = PathKind.File,
        Doc = "Seed-format JSON {\"concept-definition\": [terms], \"test-prompts\": [prompts]}; merged with the inline keys.")]
    public ResolvedPath? Definition { get; init; }

    [Key("terms", Doc = "Target terms (whole-word, case-insensitive). A set: order and duplicates do not matter.")]
    public IReadOnlyList<string> Terms { get; init; } = [];

    [Key("inflections", Doc = "Extra forms per term, e.g. {sit: [sits, sat]}; they count as the term.")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Inflections { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    [Key("test_prompts", Doc = "Prompts whose completions should avoid the concept (appended after the definition's).")]
    public IReadOnlyList<string> TestPrompts { get; init; } = [];

    [Key("adjacent_terms", Doc = "Related words a suppressed model may substitute (\"furniture\", \"rest\"); scored by Evaluate.")]
    public IReadOnlyList<string> AdjacentTerms { get; init; } = [];

    /// <summary>Every spelling that counts as the concept: terms and inflections, lower-cased, sorted.</summary>
    public IReadOnlyList<string> AllForms =>
        Terms.Concat(Inflections.Values.SelectMany(v => v))
            .Select(t => t.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
}
