// Direction removal (METHODS.md "Direction removal"): a unit vector u of the residual stream removed from what the
// chosen layers' o_proj and down_proj write, W ← (I − u uᵀ) W (and b ← (I − u uᵀ) b), and optionally from every row of
// the input embedding, E ← E (I − u uᵀ) — read as what the embedding writes into the residual stream; with tied
// embeddings the head keeps its rows (docs/variants.md). It is a weight edit, so export bakes it; at run time it is
// applied as a projection at the write sites (layers.{i}.attn.out, layers.{i}.mlp.out, and layers.0.input for the
// embedding), which computes the same thing: the write is (I − u uᵀ)(W x + b), after the projection's row masks and any
// adapter on it. direction.safetensors holds u as "direction" [hidden] F32 with metadata format, layers, embedding.
using System.Globalization;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Edits;

public sealed class DirectionRemoval
{
    public const string Format = "unlearn-direction-removal";
    public const string TensorName = "direction";

    private readonly float[] _unit;

    /// <param name="direction">[hidden] the direction; normalised here (in double).</param>
    /// <param name="layers">Layers whose o_proj and down_proj are edited.</param>
    /// <param name="embedding">Also remove it from the input embedding.</param>
    /// <exception cref="ArgumentException">A zero or non-finite direction, a negative or repeated layer, nothing edited.</exception>
    public DirectionRemoval(ReadOnlySpan<float> direction, IEnumerable<int> layers, bool embedding)
    {
        _unit = Numerics.Kernels.DirectionProjection.UnitVector(direction);
        Layers = layers.ToArray();
        if (Layers.Any(l => l < 0) || Layers.Distinct().Count() != Layers.Count)
        {
            throw new ArgumentException($"Direction removal layers must be distinct and ≥ 0 (got {string.Join(", ", Layers)}).", nameof(layers));
        }
        Layers = Layers.Order().ToArray();
        Embedding = embedding;
        if (Layers.Count == 0 && !embedding)
        {
            throw new ArgumentException("Direction removal edits nothing: give at least one layer or the embedding.", nameof(layers));
        }
    }

    /// <summary>u, unit length.</summary>
    public ReadOnlySpan<float> Unit => _unit;

    public int Width => _unit.Length;

    /// <summary>Layers whose o_proj and down_proj writes lose the component along u, ascending.</summary>
    public IReadOnlyList<int> Layers { get; }

    public bool Embedding { get; }

    /// <summary>The run-time form: a hook projecting every write of the edited sublayers (and the embedding) onto u's complement.</summary>
    public IActivationHook Hook() => new ProjectionHook(this);

    /// <summary>Whether the hook is this removal's run-time form (what export replaces by the baked edit).</summary>
    public bool Owns(IActivationHook hook) => hook is ProjectionHook projection && ReferenceEquals(projection.Removal, this);

    /// <summary>"the direction removed from o_proj and down_proj of layers 0–4 and the embedding".</summary>
    public string Describe() =>
        "one direction removed from " + string.Join(" and ", new[]
        {
            Layers.Count == 0 ? null : $"o_proj and down_proj of layer{(Layers.Count == 1 ? "" : "s")} {string.Join(", ", Layers)}",
            Embedding ? "the input embedding" : null,
        }.OfType<string>());

    /// <summary>Checks the direction against a model of <paramref name="hiddenSize"/> and <paramref name="layerCount"/> layers.</summary>
    public void CheckFits(int hiddenSize, int layerCount)
    {
        if (Width != hiddenSize)
        {
            throw new ArgumentException($"The direction has {Width} entries; the model's residual stream has {hiddenSize}.");
        }
        if (Layers.Any(l => l >= layerCount))
        {
            throw new ArgumentException($"Direction removal edits layer {Layers.Max()}; the model has layers 0..{layerCount - 1}.");
        }
    }

    public void Write(string path)
    {
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", Format);
        writer.SetMetadata("layers", string.Join(",", Layers.Select(l => l.ToString(CultureInfo.InvariantCulture))));
        writer.SetMetadata("embedding", Embedding ? "true" : "false");
        writer.AddFloat32(TensorName, _unit, _unit.Length);
        writer.Save(path);
    }

    /// <exception cref="ModelFormatException">Not a direction file.</exception>
    public static DirectionRemoval Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var metadata = file.Metadata;
        if (!metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new ModelFormatException(path, $"not a direction-removal file (metadata format is not '{Format}').");
        }
        var layers = metadata.TryGetValue("layers", out var text) && text.Length > 0
            ? text.Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray()
            : [];
        bool embedding = metadata.TryGetValue("embedding", out var e) && e == "true";
        return new DirectionRemoval(file.GetTensor(TensorName).ToFloat32Array(), layers, embedding);
    }

    private sealed class ProjectionHook(DirectionRemoval removal) : IActivationHook
    {
        private readonly HashSet<int> _layers = [.. removal.Layers];

        public DirectionRemoval Removal => removal;

        public bool Wants(HookSite site) => site.Kind switch
        {
            SiteKind.AttentionOutput or SiteKind.MlpOutput => _layers.Contains(site.Layer),
            SiteKind.Input => removal.Embedding && site.Layer == 0,
            _ => false,
        };

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context) =>
            DirectionProjection.RemoveComponent(activations, removal.Unit);
    }
}
