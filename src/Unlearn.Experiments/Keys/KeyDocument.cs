// The key document of a stage: everything that determines its outputs, as canonical JSON.
//   {"config": {...the stage's KeySection...}, "format": 1, "inputs": {"model weights": {"model.safetensors": "<sha256>"}},
//    "settings": {"dtype": "float32", "gemm": "managed", "seed": 0}, "stage": "Saliency",
//    "upstream": {"CacheActivations": "<key>"}, "version": "1"}
// The key is the SHA-256 of its canonical text. "format" versions this layout itself.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Json;

namespace Unlearn.Experiments.Keys;

public static class KeyDocument
{
    /// <summary>Version of the key document layout; changing it invalidates every key.</summary>
    public const int Format = 1;

    public static JsonObject Build(
        IStage stage,
        JsonNode configSection,
        IReadOnlyDictionary<string, string> upstreamKeys,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> inputDigests,
        JsonObject settings)
    {
        var upstream = new JsonObject();
        foreach (var (name, key) in upstreamKeys)
        {
            upstream[name] = key;
        }
        var inputs = new JsonObject();
        foreach (var (name, files) in inputDigests)
        {
            var digests = new JsonObject();
            foreach (var (file, digest) in files)
            {
                digests[file] = digest;
            }
            inputs[name] = digests;
        }
        return new JsonObject
        {
            ["format"] = Format,
            ["stage"] = stage.Name,
            ["version"] = stage.Version,
            ["config"] = configSection.DeepClone(),
            ["upstream"] = upstream,
            ["inputs"] = inputs,
            ["settings"] = settings,
        };
    }

    /// <summary>The settings part: only what the stage declared it depends on.</summary>
    public static JsonObject Settings(SettingsUse use, int seed, NumericsEnvironment numerics)
    {
        var settings = new JsonObject();
        if (use.HasFlag(SettingsUse.Seed))
        {
            settings["seed"] = seed;
        }
        if (use.HasFlag(SettingsUse.Dtype))
        {
            settings["dtype"] = numerics.Dtype;
        }
        if (use.HasFlag(SettingsUse.Gemm))
        {
            settings["gemm"] = numerics.Gemm;
        }
        if (use.HasFlag(SettingsUse.Runtime) && numerics.RuntimeKey is { } runtime)
        {
            settings["runtime"] = runtime;
        }
        if (use.HasFlag(SettingsUse.Threads))
        {
            settings["threads"] = numerics.Threads;
        }
        return settings;
    }

    /// <summary>The content key: SHA-256 (hex) of the canonical document.</summary>
    public static string KeyOf(JsonNode document) => CanonicalJson.Sha256(document);
}
