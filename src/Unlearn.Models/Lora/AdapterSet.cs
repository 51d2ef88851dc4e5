// A model's LoRA adapters, keyed by module name ("model.layers.3.mlp.down_proj"), with the settings that made them.
// Creation follows PEFT (A Kaiming-uniform from a seeded stream, B = 0); saving and loading use PEFT's file layout
// (AdapterSet.Peft.cs); merging folds them into a copy of the affected weights (AdapterSet.Merge.cs).
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Lora;

public sealed partial class AdapterSet
{
    public AdapterSet(LoraSettings settings, IReadOnlyDictionary<string, LoraAdapter> adapters)
    {
        Settings = settings;
        Adapters = new SortedDictionary<string, LoraAdapter>(adapters.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
    }

    public LoraSettings Settings { get; }

    /// <summary>Adapters by module name, in ordinal order (the order parameters are created, saved and optimised in).</summary>
    public IReadOnlyDictionary<string, LoraAdapter> Adapters { get; }

    /// <summary>Every trainable tensor (A then B of each adapter, in module order).</summary>
    public IEnumerable<Parameter> Parameters => Adapters.Values.SelectMany(a => new[] { a.A, a.B });

    public long ParameterCount => Parameters.Sum(p => (long)p.Length);

    /// <summary>
    /// Fresh adapters for <paramref name="shape"/>: A ~ U(−1/√in, 1/√in) drawn in module order from one seeded stream, B = 0.
    /// <paramref name="inputMasks"/> / <paramref name="outputMasks"/> (by module name) confine an adapter to chosen features.
    /// </summary>
    public static AdapterSet Create(
        TransformerShape shape, LoraSettings settings, ulong seed,
        IReadOnlyDictionary<string, float[]>? inputMasks = null, IReadOnlyDictionary<string, float[]>? outputMasks = null)
    {
        settings.Validate(shape);
        var random = new SeededRandom(seed);
        var adapters = new SortedDictionary<string, LoraAdapter>(StringComparer.Ordinal);
        var modules = settings.LayersOf(shape).Distinct().Order()
            .SelectMany(layer => settings.Targets.Distinct().Select(p => (Layer: layer, Projection: p, Name: WeightNames.Module(layer, p))))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var (layer, projection, name) in modules)
        {
            var (inFeatures, outFeatures) = Features(shape, projection);
            adapters[name] = LoraAdapter.Create(
                PeftName(name, "lora_A"), PeftName(name, "lora_B"), inFeatures, outFeatures, settings.Rank, settings.Alpha, random,
                inputMasks?.GetValueOrDefault(name), outputMasks?.GetValueOrDefault(name), settings.Dropout);
        }
        foreach (var name in (inputMasks?.Keys ?? []).Concat(outputMasks?.Keys ?? []))
        {
            if (!adapters.ContainsKey(name))
            {
                throw new ArgumentException($"A mask names '{name}', which gets no adapter (targets: {string.Join(", ", settings.Targets.Select(WeightNames.ShortName))}).");
            }
        }
        return new AdapterSet(settings, adapters);
    }

    /// <summary>(in, out) features of a projection.</summary>
    public static (int In, int Out) Features(TransformerShape shape, Projection projection) => projection switch
    {
        Projection.Query => (shape.HiddenSize, shape.QueryWidth),
        Projection.Key or Projection.Value => (shape.HiddenSize, shape.KvWidth),
        Projection.Output => (shape.QueryWidth, shape.HiddenSize),
        Projection.Gate or Projection.Up => (shape.HiddenSize, shape.IntermediateSize),
        Projection.Down => (shape.IntermediateSize, shape.HiddenSize),
        _ => throw new ArgumentOutOfRangeException(nameof(projection), projection, null),
    };

    /// <summary>PEFT's tensor name: "base_model.model.{module}.{lora_A|lora_B}.weight".</summary>
    public static string PeftName(string module, string part) => $"base_model.model.{module}.{part}.weight";
}
