// Reads a concept definition in the seed repository's format:
//   {"concept-definition": ["chair", "chairs", ...], "test-prompts": ["...", ...]}
// Strict: unknown keys are errors with a suggestion, because "concept_definition" for
// "concept-definition" would otherwise silently define an empty concept. Every error names the JSON file and,
// where there is one, the line and column of the offending value (an empty term, a number among the strings).
using System.Text;
using System.Text.Json;
using Unlearn.Experiments.Diagnostics;

namespace Unlearn.Experiments.Loading;

/// <summary>What a definition file holds: its terms and test prompts, and where its terms list is (for "lists no terms").</summary>
internal sealed record ConceptDefinitionFile(IReadOnlyList<string> Terms, IReadOnlyList<string> Prompts, SourcePosition TermsPosition);

internal static class ConceptDefinitionReader
{
    public const string TermsKey = "concept-definition";
    public const string PromptsKey = "test-prompts";

    /// <summary>The terms and prompts, or null after adding diagnostics (which name the JSON file).</summary>
    public static ConceptDefinitionFile? Read(string path, DiagnosticBag diagnostics)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", new SourcePosition(0, 0, path),
                $"Could not read the concept definition: {exception.Message}");
            return null;
        }
        try
        {
            return Parse(bytes, path, diagnostics);
        }
        catch (JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? -1) + 1;
            var column = (int)(exception.BytePositionInLine ?? -1) + 1;
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", new SourcePosition(line, column, path),
                $"The concept definition is not valid JSON ({FirstSentence(exception.Message)}); it should be {{\"{TermsKey}\": [terms], \"{PromptsKey}\": [prompts]}}.");
            return null;
        }
    }

    private static ConceptDefinitionFile? Parse(byte[] bytes, string path, DiagnosticBag diagnostics)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        SourcePosition At(long offset) => Position(bytes, offset, path);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", At(reader.TokenStartIndex),
                $"A concept definition must be a JSON object with \"{TermsKey}\" and \"{PromptsKey}\".");
            return null;
        }
        var ok = true;
        var terms = new List<string>();
        var prompts = new List<string>();
        var termsPosition = new SourcePosition(1, 1, path);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var keyAt = At(reader.TokenStartIndex);
            reader.Read();
            var target = name switch { TermsKey => terms, PromptsKey => prompts, _ => null };
            if (target is null)
            {
                diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", keyAt,
                    $"Unknown key \"{name}\" in the concept definition.{Suggestions.DidYouMean(name, [TermsKey, PromptsKey])} Expected \"{TermsKey}\" and \"{PromptsKey}\".");
                ok = false;
                reader.Skip();
                continue;
            }
            if (name == TermsKey)
            {
                termsPosition = keyAt;
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", At(reader.TokenStartIndex), $"\"{name}\" must be a list of strings.");
                ok = false;
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var itemAt = At(reader.TokenStartIndex);
                if (reader.TokenType != JsonTokenType.String)
                {
                    diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", itemAt, $"\"{name}\" must be a list of strings; this item is not a string.");
                    ok = false;
                    reader.Skip();
                    continue;
                }
                var text = reader.GetString()!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", itemAt,
                        name == TermsKey ? "A concept term in the definition is empty; remove it." : "A test prompt in the definition is empty; remove it.");
                    ok = false;
                    continue;
                }
                target.Add(text);
            }
        }
        return ok ? new ConceptDefinitionFile(terms, prompts, termsPosition) : null;
    }

    /// <summary>1-based line and column (in characters) of a byte offset.</summary>
    private static SourcePosition Position(byte[] bytes, long offset, string path)
    {
        var end = (int)Math.Clamp(offset, 0, bytes.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < end; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourcePosition(line, Encoding.UTF8.GetCharCount(bytes, lineStart, end - lineStart) + 1, path);
    }

    // System.Text.Json appends "Path: $ | LineNumber: 3 | BytePositionInLine: 5." to its messages; the position is in the diagnostic already.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
