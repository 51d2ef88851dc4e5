// The seed repository's concept file: {"concept-definition": ["play", "plays", ...], "test-prompts": [...]}.
// The terms are the concept's inflections (whole-word matching); the test prompts are the prompts the
// evaluation samples to measure the target rate.
using System.Text.Json;

namespace Unlearn.Evaluation.Data;

public sealed record ConceptDefinition(IReadOnlyList<string> Terms, IReadOnlyList<string> TestPrompts)
{
    public const string TermsField = "concept-definition";
    public const string PromptsField = "test-prompts";

    public static ConceptDefinition Load(string path)
    {
        JsonElement root = JsonFields.ReadDocument(path);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new EvaluationDataException(path, $"must be a JSON object with '{TermsField}' and '{PromptsField}'.");
        }
        var terms = JsonFields.StringArray(root, TermsField, path);
        if (terms.Count == 0 || terms.Any(string.IsNullOrWhiteSpace))
        {
            throw new EvaluationDataException(path, $"'{TermsField}' must list at least one non-empty term.");
        }
        var prompts = root.TryGetProperty(PromptsField, out var p) ? JsonFields.StringArray(p, $"{path}: field '{PromptsField}'") : [];
        return new ConceptDefinition(terms, prompts);
    }
}
