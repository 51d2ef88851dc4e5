// Reading the cfg.json and safetensors of an SAE folder (SAELens or sparsify layout) with errors that name the file
// and field: a missing or non-integer field, a missing tensor, a tensor of the wrong shape.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Formats;

namespace Unlearn.Methods.Sae;

internal static class SaeConfigJson
{
    public static JsonObject Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new SaeException($"'{path}' is missing: an SAE folder needs its cfg.json beside the weights.");
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new SaeException($"'{path}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new SaeException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    public static string? OptionalString(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static int Int(JsonObject node, string name, string path) =>
        node[name] is JsonValue value && value.TryGetValue<int>(out var number)
            ? number
            : throw new SaeException($"'{path}': '{name}' is missing or not an integer.");

    public static bool OptionalBool(JsonObject node, string name, bool fallback) =>
        node[name] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : fallback;

    public static void ReadTensors(string path, Action<SafetensorsFile> read)
    {
        if (!File.Exists(path))
        {
            throw new SaeException($"'{path}' is missing: the SAE's weights are not beside its cfg.json.");
        }
        try
        {
            using var file = SafetensorsFile.Open(path);
            read(file);
        }
        catch (Exception e) when (e is SafetensorsFormatException or TensorNotFoundException)
        {
            throw new SaeException($"'{path}': {e.Message}", e);
        }
    }

    /// <summary>A tensor widened to float32, refused unless its shape is exactly <paramref name="shape"/>.</summary>
    public static float[] Tensor(SafetensorsFile file, string name, string path, params long[] shape)
    {
        if (!file.TryGetTensor(name, out var tensor))
        {
            throw new SaeException($"'{path}' has no tensor '{name}' (it has {string.Join(", ", file.TensorNames)}).");
        }
        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw new SaeException($"'{path}': tensor '{name}' is [{string.Join(", ", tensor.Shape)}] but cfg.json implies [{string.Join(", ", shape)}].");
        }
        return tensor.ToFloat32Array();
    }
}
