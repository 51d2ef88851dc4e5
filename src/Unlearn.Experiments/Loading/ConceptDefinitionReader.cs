// Reads a concept definition in the seed repository's format:
//   {"concept-definition": ["chair", "chairs", ...], "test-prompts": ["...", ...]}
// Strict: unknown keys are errors with a suggestion, because "concept_definition" for
// "concept-definition" would otherwise silently define an empty concept.
using System.Text.Json;
using Unlearn.Experiments.Diagnostics;

namespace Unlearn.Experiments.Loading;

internal static class ConceptDefinitionReader
{
    private const string TermsKey = "concept-definition";
    private const string PromptsKey = "test-prompts";

    /// <summary>The terms and prompts, or null after adding diagnostics (which name the JSON file).</summary>
    public static (IReadOnlyList<string> Terms, IReadOnlyList<string> Prompts)? Read(string path, DiagnosticBag diagnostics)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? -1) + 1;
            var column = (int)(exception.BytePositionInLine ?? -1) + 1;
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", new SourcePosition(line, column, path),
                $"The concept definition is not valid JSON: {exception.Message}");
            return null;
        }
        catch (IOException exception)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", new SourcePosition(0, 0, path),
                $"Could not read the concept definition: {exception.Message}");
            return null;
        }
        using (document)
        {
            var at = new SourcePosition(0, 0, path);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", at,
                    $"A concept definition must be a JSON object with \"{TermsKey}\" and \"{PromptsKey}\".");
                return null;
            }
            var ok = true;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name is not (TermsKey or PromptsKey))
                {
                    diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", at,
                        $"Unknown key \"{property.Name}\" in the concept definition.{Suggestions.DidYouMean(property.Name, [TermsKey, PromptsKey])} Expected \"{TermsKey}\" and \"{PromptsKey}\".");
                    ok = false;
                }
            }
            var terms = ReadStrings(document.RootElement, TermsKey, path, diagnostics, ref ok);
            var prompts = ReadStrings(document.RootElement, PromptsKey, path, diagnostics, ref ok);
            return ok ? (terms, prompts) : null;
        }
    }

    private static IReadOnlyList<string> ReadStrings(JsonElement root, string key, string path, DiagnosticBag diagnostics, ref bool ok)
    {
        if (!root.TryGetProperty(key, out var element))
        {
            return [];
        }
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", new SourcePosition(0, 0, path),
                $"\"{key}\" must be a list of strings.");
            ok = false;
            return [];
        }
        return element.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}
