// Which projections of which layers get a LoRA adapter, and its rank, alpha and dropout. Defaults are the repair
// defaults of METHODS.md (r = 16, alpha = 16, dropout 0, all seven projections, every layer).
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Lora;

public sealed record LoraSettings
{
    public int Rank { get; init; } = 16;

    public double Alpha { get; init; } = 16;

    public float Dropout { get; init; }

    public IReadOnlyList<Projection> Targets { get; init; } = WeightNames.All;

    /// <summary>Layers that get adapters; null means every layer.</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    public IEnumerable<int> LayersOf(TransformerShape shape) => Layers ?? Enumerable.Range(0, shape.LayerCount);

    public void Validate(TransformerShape shape)
    {
        if (Rank < 1)
        {
            throw new ArgumentException($"LoRA rank must be ≥ 1 (got {Rank}).");
        }
        if (!(Alpha > 0) || double.IsInfinity(Alpha))
        {
            throw new ArgumentException($"LoRA alpha must be > 0 (got {Alpha}).");
        }
        if (Dropout is < 0f or >= 1f || float.IsNaN(Dropout))
        {
            throw new ArgumentException($"LoRA dropout must be in [0, 1) (got {Dropout}).");
        }
        if (Targets.Count == 0)
        {
            throw new ArgumentException("LoRA needs at least one target projection (q, k, v, o, gate, up, down).");
        }
        foreach (var layer in LayersOf(shape))
        {
            if ((uint)layer >= (uint)shape.LayerCount)
            {
                throw new ArgumentException($"LoRA layer {layer} does not exist: the model has layers 0..{shape.LayerCount - 1}.");
            }
        }
    }
}
