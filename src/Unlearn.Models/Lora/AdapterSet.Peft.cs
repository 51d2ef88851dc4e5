// PEFT's on-disk layout, so an adapter moves between this tool and Hugging Face PEFT: adapter_model.safetensors
// (base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r]) and adapter_config.json. Masks are
// baked in on save (A's masked input columns and B's masked output rows zeroed: the same function, and all PEFT can
// express); so a saved masked adapter reloads as a plain one with identical outputs.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Lora;

public sealed partial class AdapterSet
{
    public const string WeightsFileName = "adapter_model.safetensors";
    public const string ConfigFileName = "adapter_config.json";

    public void SavePeft(string folder, string baseModelPath)
    {
        Directory.CreateDirectory(folder);
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", "pt");
        foreach (var (module, adapter) in Adapters)
        {
            var a = (float[])adapter.A.Value.Clone();
            var b = (float[])adapter.B.Value.Clone();
            if (adapter.InputMask is { } inputMask)
            {
                for (int r = 0; r < adapter.Rank; r++)
                {
                    for (int i = 0; i < adapter.InFeatures; i++)
                    {
                        a[r * adapter.InFeatures + i] *= inputMask[i];
                    }
                }
            }
            if (adapter.OutputMask is { } outputMask)
            {
                for (int o = 0; o < adapter.OutFeatures; o++)
                {
                    for (int r = 0; r < adapter.Rank; r++)
                    {
                        b[o * adapter.Rank + r] *= outputMask[o];
                    }
                }
            }
            writer.AddFloat32(PeftName(module, "lora_A"), a, adapter.Rank, adapter.InFeatures);
            writer.AddFloat32(PeftName(module, "lora_B"), b, adapter.OutFeatures, adapter.Rank);
        }
        writer.Save(Path.Combine(folder, WeightsFileName));
        var layers = Settings.Layers is null ? null : new JsonArray(Settings.Layers.Distinct().Order().Select(l => (JsonNode)l).ToArray());
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModelPath,
            ["r"] = Settings.Rank,
            ["lora_alpha"] = Settings.Alpha,
            ["lora_dropout"] = Settings.Dropout,
            ["target_modules"] = new JsonArray(Settings.Targets.Distinct().Order().Select(p => (JsonNode)WeightNames.LeafName(p)).ToArray()),
            ["layers_to_transform"] = layers,
            ["layers_pattern"] = null,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["use_rslora"] = false,
            ["use_dora"] = false,
        };
        AtomicFile.Write(Path.Combine(folder, ConfigFileName), stream =>
        {
            using var text = new StreamWriter(stream, leaveOpen: true);
            text.Write(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            text.Write('\n');
        });
    }

    /// <summary>Loads a PEFT LoRA folder for a model of <paramref name="shape"/>; anything PEFT allows that this runtime does not is refused by name.</summary>
    public static AdapterSet LoadPeft(string folder, TransformerShape shape)
    {
        string configPath = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new ModelFormatException(folder, $"no {ConfigFileName}: not a PEFT adapter folder.");
        }
        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(configPath)) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"not valid JSON: {e.Message}", e);
        }
        string Fail(string field, string message) => throw new ModelFormatException(configPath, $"{field}: {message}");
        if (root["peft_type"]?.GetValue<string>() is not "LORA")
        {
            Fail("peft_type", $"'{root["peft_type"]}' is not supported (only LORA).");
        }
        if (root["use_dora"]?.GetValue<bool>() == true || root["use_rslora"]?.GetValue<bool>() == true)
        {
            Fail("use_dora/use_rslora", "DoRA and rsLoRA are not supported; train with plain LoRA.");
        }
        if (root["fan_in_fan_out"]?.GetValue<bool>() == true)
        {
            Fail("fan_in_fan_out", "true is not supported (Llama/Qwen2 linear layers are not Conv1D).");
        }
        if (root["bias"]?.GetValue<string>() is { } bias && bias != "none")
        {
            Fail("bias", $"'{bias}' is not supported (only none).");
        }
        foreach (var pattern in new[] { "rank_pattern", "alpha_pattern" })
        {
            if (root[pattern] is JsonObject { Count: > 0 })
            {
                Fail(pattern, "per-module ranks or alphas are not supported.");
            }
        }
        if (root["r"] is null)
        {
            Fail("r", "missing (the LoRA rank).");
        }
        int rank;
        double alpha;
        float dropout;
        try
        {
            rank = root["r"]!.GetValue<int>();
            alpha = root["lora_alpha"]?.GetValue<double>() ?? rank;
            dropout = (float)(root["lora_dropout"]?.GetValue<double>() ?? 0);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelFormatException(configPath, $"r, lora_alpha and lora_dropout must be numbers ({e.Message}).", e);
        }
        var targets = TargetsOf(root["target_modules"], configPath);
        IReadOnlyList<int>? layers = root["layers_to_transform"] switch
        {
            null => null,
            JsonArray array => array.Select(n => n!.GetValue<int>()).ToArray(),
            JsonValue value => [value.GetValue<int>()],
            _ => null,
        };
        var settings = new LoraSettings { Rank = rank, Alpha = alpha, Dropout = dropout, Targets = targets, Layers = layers };
        try
        {
            settings.Validate(shape);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(configPath, e.Message, e);
        }
        using var file = SafetensorsFile.Open(Path.Combine(folder, WeightsFileName));
        var adapters = new SortedDictionary<string, LoraAdapter>(StringComparer.Ordinal);
        foreach (var layer in settings.LayersOf(shape))
        {
            foreach (var projection in targets)
            {
                string module = WeightNames.Module(layer, projection);
                var (inFeatures, outFeatures) = Features(shape, projection);
                var aTensor = file.GetTensor(PeftName(module, "lora_A"));
                var bTensor = file.GetTensor(PeftName(module, "lora_B"));
                aTensor.ExpectShape(rank, inFeatures);
                bTensor.ExpectShape(outFeatures, rank);
                var a = new Parameter(aTensor.Name, aTensor.ToFloat32Array(), rank, inFeatures);
                var b = new Parameter(bTensor.Name, bTensor.ToFloat32Array(), outFeatures, rank);
                adapters[module] = new LoraAdapter(a, b, alpha, dropoutProbability: dropout);
            }
        }
        return new AdapterSet(settings, adapters);
    }

    private static IReadOnlyList<Projection> TargetsOf(JsonNode? node, string configPath)
    {
        if (node is not JsonArray array)
        {
            throw new ModelFormatException(configPath, "target_modules: expected a list of module names such as [\"q_proj\", \"v_proj\"] (regular expressions are not supported).");
        }
        var targets = new List<Projection>();
        foreach (var item in array)
        {
            string name = item?.GetValue<string>() ?? "";
            if (!WeightNames.TryParseProjection(name, out var projection))
            {
                throw new ModelFormatException(configPath, $"target_modules: '{name}' is not a Llama/Qwen2 projection (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj).");
            }
            targets.Add(projection);
        }
        return targets;
    }
}
