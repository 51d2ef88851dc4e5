// Adapter masks for masked LoRA, built from a saliency selection in the index space it was computed in:
//  - mlp.act neurons of layer ℓ (the down_proj input, width intermediate) → an input mask on that layer's down_proj
//    adapter, so the update reads only the salient neurons;
//  - residual-width dims written by a projection (attn.out → o_proj rows, mlp.out → down_proj rows) → an output mask on
//    that projection's adapter, so the update writes only those dims.
// Settings derives the adapter targets and layers from the masks. Modules that the cross product of those layers and
// targets adds without a mask of their own get an all-zero mask: they exist (PEFT layouts are rectangular) but cannot
// change anything.
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.FineTuning;

public sealed record AdapterMaskSet(IReadOnlyDictionary<string, float[]> InputMasks, IReadOnlyDictionary<string, float[]> OutputMasks)
{
    /// <summary>Modules that have a mask, in ordinal order.</summary>
    public IEnumerable<string> Modules => InputMasks.Keys.Concat(OutputMasks.Keys).Distinct().Order(StringComparer.Ordinal);
}

public static class AdapterMasks
{
    /// <summary>down_proj input masks from salient mlp.act neurons: layer → neuron indices.</summary>
    public static AdapterMaskSet FromMlpNeurons(TransformerShape shape, IReadOnlyDictionary<int, IReadOnlyCollection<int>> neuronsByLayer)
    {
        var input = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (layer, neurons) in neuronsByLayer)
        {
            CheckLayer(shape, layer);
            input[WeightNames.Module(layer, Projection.Down)] = Mask(neurons, shape.IntermediateSize, $"layers.{layer}.mlp.act");
        }
        return new AdapterMaskSet(input, new SortedDictionary<string, float[]>(StringComparer.Ordinal));
    }

    /// <summary>Output-row masks for residual-width scores: (layer, projection writing the dims) → row indices.</summary>
    public static AdapterMaskSet FromOutputRows(TransformerShape shape, IReadOnlyDictionary<(int Layer, Projection Projection), IReadOnlyCollection<int>> rows)
    {
        var output = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var ((layer, projection), indices) in rows)
        {
            CheckLayer(shape, layer);
            int width = AdapterSet.Features(shape, projection).Out;
            output[WeightNames.Module(layer, projection)] = Mask(indices, width, WeightNames.Weight(layer, projection));
        }
        return new AdapterMaskSet(new SortedDictionary<string, float[]>(StringComparer.Ordinal), output);
    }

    /// <summary>
    /// LoRA settings covering exactly the masked modules' layers and projections (rank, alpha and dropout from
    /// <paramref name="template"/>), and the masks completed with zero masks for the modules that adds.
    /// </summary>
    public static (LoraSettings Settings, AdapterMaskSet Masks) Settings(TransformerShape shape, LoraSettings template, AdapterMaskSet masks)
    {
        var modules = masks.Modules.ToList();
        if (modules.Count == 0)
        {
            throw new FineTuningException("Masked LoRA needs at least one masked module (no salient neurons or rows were given).");
        }
        var parsed = modules.Select(m => WeightNames.TryParseWeight(m + ".weight", out int layer, out var projection)
            ? (Layer: layer, Projection: projection)
            : throw new FineTuningException($"Mask for '{m}': not a projection module name such as 'model.layers.3.mlp.down_proj'.")).ToList();
        var settings = template with
        {
            Targets = parsed.Select(p => p.Projection).Distinct().Order().ToArray(),
            Layers = parsed.Select(p => p.Layer).Distinct().Order().ToArray(),
        };
        var input = new SortedDictionary<string, float[]>(masks.InputMasks.ToDictionary(), StringComparer.Ordinal);
        var output = new SortedDictionary<string, float[]>(masks.OutputMasks.ToDictionary(), StringComparer.Ordinal);
        foreach (int layer in settings.Layers!)
        {
            foreach (var projection in settings.Targets)
            {
                string module = WeightNames.Module(layer, projection);
                if (!input.ContainsKey(module) && !output.ContainsKey(module))
                {
                    output[module] = new float[AdapterSet.Features(shape, projection).Out];
                }
            }
        }
        return (settings, new AdapterMaskSet(input, output));
    }

    /// <summary>LoRA settings covering the given modules' layers and projections (rank, alpha and dropout from <paramref name="template"/>).</summary>
    /// <remarks>LoRA layouts are rectangular (every target in every layer), so the modules must form such a product;
    /// a product larger than the list would silently train more modules, and is refused.</remarks>
    public static LoraSettings SettingsFor(LoraSettings template, IReadOnlyCollection<string> modules)
    {
        if (modules.Count == 0)
        {
            throw new FineTuningException("An unmasked adapter needs at least one module.");
        }
        var parsed = modules.Select(m => WeightNames.TryParseWeight(m + ".weight", out int layer, out var projection)
            ? (Layer: layer, Projection: projection)
            : throw new FineTuningException($"Module '{m}': not a projection module name such as 'model.layers.3.mlp.down_proj'.")).Distinct().ToList();
        var settings = template with
        {
            Targets = parsed.Select(p => p.Projection).Distinct().Order().ToArray(),
            Layers = parsed.Select(p => p.Layer).Distinct().Order().ToArray(),
        };
        if (settings.Targets.Count * settings.Layers!.Count != parsed.Count)
        {
            throw new FineTuningException($"The modules {string.Join(", ", modules)} are not every target projection in every layer; an adapter set covers a full product of layers and projections.");
        }
        return settings;
    }

    private static float[] Mask(IReadOnlyCollection<int> indices, int width, string what)
    {
        if (indices.Count == 0)
        {
            throw new FineTuningException($"The mask for {what} selects no index; drop that entry or select at least one.");
        }
        var mask = new float[width];
        foreach (int index in indices)
        {
            if ((uint)index >= (uint)width)
            {
                throw new FineTuningException($"The mask for {what} selects index {index}, outside [0, {width}): was it computed in another index space?");
            }
            mask[index] = 1f;
        }
        return mask;
    }

    private static void CheckLayer(TransformerShape shape, int layer)
    {
        if ((uint)layer >= (uint)shape.LayerCount)
        {
            throw new FineTuningException($"Mask for layer {layer}: the model has layers 0..{shape.LayerCount - 1}.");
        }
    }
}
