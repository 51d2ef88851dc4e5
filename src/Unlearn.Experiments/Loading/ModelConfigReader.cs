// Reads the validation-relevant facts of a Hugging Face config.json with System.Text.Json. It will be
// replaced by the model runtime's ModelConfig once that exists; until then it is deliberately small.
using System.Text.Json;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Loading;

internal static class ModelConfigReader
{
    public static ModelSummary? Read(string modelFolder, DiagnosticBag diagnostics, SourcePosition modelPosition)
    {
        var path = Path.Combine(modelFolder, "config.json");
        if (!File.Exists(path))
        {
            diagnostics.Error(DiagnosticCodes.MissingFile, "model", modelPosition,
                $"The model folder '{modelFolder}' has no config.json; is it a Hugging Face model folder?");
            return null;
        }
        var at = new SourcePosition(0, 0, path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var architecture = root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array
                && list.GetArrayLength() > 0 && list[0].ValueKind == JsonValueKind.String
                ? list[0].GetString()!
                : "";
            if (!ModelSummary.SupportedArchitectures.Contains(architecture))
            {
                diagnostics.Error(DiagnosticCodes.ModelMismatch, "model", modelPosition,
                    $"config.json of '{modelFolder}' names architectures[0] = '{architecture}', which Unlearn does not load. "
                    + $"Supported: {string.Join(", ", ModelSummary.SupportedArchitectures)}.");
                return null;
            }
            var layers = RequiredInt(root, "num_hidden_layers", path, diagnostics);
            var hidden = RequiredInt(root, "hidden_size", path, diagnostics);
            var intermediate = RequiredInt(root, "intermediate_size", path, diagnostics);
            var vocabulary = RequiredInt(root, "vocab_size", path, diagnostics);
            if (layers is null || hidden is null || intermediate is null || vocabulary is null)
            {
                return null;
            }
            var tied = root.TryGetProperty("tie_word_embeddings", out var tie) && tie.ValueKind == JsonValueKind.True;
            var modelType = root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "";
            return new ModelSummary(architecture, modelType, layers.Value, hidden.Value, intermediate.Value, vocabulary.Value, tied);
        }
        catch (JsonException exception)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "model", at, $"config.json is not valid JSON: {exception.Message}");
            return null;
        }
    }

    private static int? RequiredInt(JsonElement root, string name, string path, DiagnosticBag diagnostics)
    {
        if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number
            && element.TryGetInt32(out var value) && value > 0)
        {
            return value;
        }
        diagnostics.Error(DiagnosticCodes.BadReferencedFile, "model", new SourcePosition(0, 0, path),
            $"config.json lacks a positive integer \"{name}\".");
        return null;
    }
}
