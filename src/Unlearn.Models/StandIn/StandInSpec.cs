// stand-in.json: how to make a random-weight model folder that has a published model's structure, so a pipeline can be
// rehearsed on the real vocabulary and chat template without the weights. A committed model folder holding only this
// file (and a README) is materialised by StandInModel. Format (every field but "about" is part of the fingerprint):
//   {"format": "unlearn-stand-in", "version": 1, "about": "...",
//    "shape": "llama-3.2-3b",                      a KnownShapes name: architecture, vocabulary, RoPE, norms, tying
//    "config": {"num_hidden_layers": 6, ...},      overrides of the shape's sizes, in config.json's names
//    "seed": 0,                                    seed of the weights (RandomModel: same seed, same bytes)
//    "token_ids": {"bos_token_id": 128000, "eos_token_id": [128001, 128009]},   written into config.json
//    "generation_config": {...},                   written as generation_config.json (optional)
//    "copy": {"tokenizer.model": "../../path/to/file", ...}}   files copied in, paths relative to stand-in.json
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Config;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.StandIn;

public sealed record StandInSpec
{
    public const string FileName = "stand-in.json";
    public const string Format = "unlearn-stand-in";

    private static readonly string[] SizeFields =
        ["num_hidden_layers", "hidden_size", "intermediate_size", "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings"];

    private static readonly string[] TopFields = ["format", "version", "about", "shape", "config", "seed", "token_ids", "generation_config", "copy"];

    /// <summary>The stand-in.json this was read from.</summary>
    public required string Path { get; init; }

    /// <summary>The published shape it starts from (a <see cref="KnownShapes"/> name).</summary>
    public required string ShapeName { get; init; }

    /// <summary>The shape after the size overrides.</summary>
    public required TransformerShape Shape { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>bos_token_id / eos_token_id for config.json.</summary>
    public required JsonObject TokenIds { get; init; }

    public JsonObject? GenerationConfig { get; init; }

    /// <summary>File name in the model folder → absolute path of the file copied there.</summary>
    public required IReadOnlyDictionary<string, string> Copies { get; init; }

    /// <summary>Reads and validates a stand-in.json.</summary>
    /// <exception cref="ModelConfigException">Not JSON, an unknown or malformed field, an unknown shape or sizes that do not fit.</exception>
    public static StandInSpec Load(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(fullPath)) as JsonObject
                ?? throw new ModelConfigException(fullPath, null, "expected a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new ModelConfigException(fullPath, null, $"not valid JSON: {exception.Message}", exception);
        }
        foreach (var (name, _) in root)
        {
            if (!TopFields.Contains(name))
            {
                throw new ModelConfigException(fullPath, name, $"{name}: unknown field (known: {string.Join(", ", TopFields)}).");
            }
        }
        if (String(root, "format", fullPath) != Format || Int(root, "version", fullPath) != 1)
        {
            throw new ModelConfigException(fullPath, "format", $"expected \"format\": \"{Format}\" and \"version\": 1.");
        }
        string shapeName = String(root, "shape", fullPath);
        if (!KnownShapes.All.TryGetValue(shapeName, out var shape))
        {
            throw new ModelConfigException(fullPath, "shape", $"shape: '{shapeName}' is not a known shape ({string.Join(", ", KnownShapes.All.Keys)}).");
        }
        shape = WithSizes(shape, root["config"] as JsonObject ?? [], fullPath);
        try
        {
            shape.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new ModelConfigException(fullPath, "config", $"config: {exception.Message}", exception);
        }
        int seed = Int(root, "seed", fullPath);
        if (seed < 0)
        {
            throw new ModelConfigException(fullPath, "seed", "seed: must be 0 or more.");
        }
        string folder = System.IO.Path.GetDirectoryName(fullPath)!;
        var copies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in root["copy"] as JsonObject ?? [])
        {
            if (name.Contains('/') || name.Contains('\\') || name is FileName or "." or "..")
            {
                throw new ModelConfigException(fullPath, $"copy.{name}", $"copy.{name}: the target must be a plain file name in the model folder.");
            }
            if (value is not JsonValue text || !text.TryGetValue(out string? source) || source.Length == 0)
            {
                throw new ModelConfigException(fullPath, $"copy.{name}", $"copy.{name}: expected the path of the file to copy, relative to {FileName}.");
            }
            copies[name] = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, source));
        }
        return new StandInSpec
        {
            Path = fullPath,
            ShapeName = shapeName,
            Shape = shape,
            Seed = (ulong)seed,
            TokenIds = (root["token_ids"] as JsonObject)?.DeepClone().AsObject() ?? [],
            GenerationConfig = (root["generation_config"] as JsonObject)?.DeepClone().AsObject(),
            Copies = copies,
        };
    }

    /// <summary>config.json of the stand-in: the shape's fields in transformers' names plus the token ids.</summary>
    public JsonObject ConfigJson()
    {
        var config = ModelFolderWriter.ConfigJson(Shape);
        foreach (var (name, value) in TokenIds)
        {
            config[name] = value?.DeepClone();
        }
        return config;
    }

    private static TransformerShape WithSizes(TransformerShape shape, JsonObject sizes, string path)
    {
        foreach (var (name, _) in sizes)
        {
            if (!SizeFields.Contains(name))
            {
                throw new ModelConfigException(path, $"config.{name}", $"config.{name}: not a size a stand-in may change (allowed: {string.Join(", ", SizeFields)}).");
            }
        }
        int Size(string name, int fallback) => sizes.ContainsKey(name) ? Int(sizes, name, path, "config.") : fallback;
        return shape with
        {
            LayerCount = Size("num_hidden_layers", shape.LayerCount),
            HiddenSize = Size("hidden_size", shape.HiddenSize),
            IntermediateSize = Size("intermediate_size", shape.IntermediateSize),
            HeadCount = Size("num_attention_heads", shape.HeadCount),
            KvHeadCount = Size("num_key_value_heads", shape.KvHeadCount),
            HeadDim = Size("head_dim", shape.HeadDim),
            MaxPositions = Size("max_position_embeddings", shape.MaxPositions),
        };
    }

    private static string String(JsonObject node, string name, string path) =>
        node[name] is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new ModelConfigException(path, name, $"{name}: expected a string.");

    private static int Int(JsonObject node, string name, string path, string prefix = "") =>
        node[name] is JsonValue value && value.TryGetValue(out int number)
            ? number
            : throw new ModelConfigException(path, prefix + name, $"{prefix}{name}: expected an integer.");
}
