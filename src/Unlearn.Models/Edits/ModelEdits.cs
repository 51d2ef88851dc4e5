// Edits are data, not copies of the model: row masks on named weights, −∞ logit masks, zeroed embedding
// rows (and, later, LoRA adapters). The forward pass applies them as it runs; the weights are never touched.
namespace Unlearn.Models.Edits;

public sealed class ModelEdits
{
    public static readonly ModelEdits None = new(new Dictionary<string, int[]>(), [], []);

    public ModelEdits(IReadOnlyDictionary<string, int[]> rowMasks, IEnumerable<int> maskedLogits, IEnumerable<int> zeroedEmbeddingRows)
    {
        var masks = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, rows) in rowMasks)
        {
            masks[name] = rows.Distinct().Order().ToArray();
        }
        RowMasks = masks;
        MaskedLogits = new SortedSet<int>(maskedLogits);
        ZeroedEmbeddingRows = new SortedSet<int>(zeroedEmbeddingRows);
    }

    /// <summary>Weight name (e.g. "model.layers.3.self_attn.o_proj.weight") → output rows whose result is forced to zero.</summary>
    public IReadOnlyDictionary<string, int[]> RowMasks { get; }

    /// <summary>Token ids whose logit is −∞ (never sampled, probability exactly 0).</summary>
    public IReadOnlySet<int> MaskedLogits { get; }

    /// <summary>Token ids whose input embedding reads as zeros (with tied embeddings their logit is then 0 too).</summary>
    public IReadOnlySet<int> ZeroedEmbeddingRows { get; }

    public bool IsEmpty => RowMasks.Count == 0 && MaskedLogits.Count == 0 && ZeroedEmbeddingRows.Count == 0;

    /// <summary>The row masks that can be baked into weights (projection weights of the model's layers, for
    /// IModelRuntime.WithZeroedRows) and the edits left over (vocabulary masks, zeroed embedding rows, lm_head and
    /// embedding row masks).</summary>
    public (IReadOnlyDictionary<string, int[]> Projections, ModelEdits Remaining) SplitProjectionRows(Transformer.TransformerShape shape)
    {
        var projections = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var remaining = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, rows) in RowMasks)
        {
            bool projection = Transformer.WeightNames.TryParseWeight(name, out int layer, out _) && layer < shape.LayerCount;
            (projection ? (IDictionary<string, int[]>)projections : remaining)[name] = rows;
        }
        return (projections, new ModelEdits(remaining, MaskedLogits, ZeroedEmbeddingRows));
    }

    /// <summary>The union of two edit sets (row masks of the same weight are merged).</summary>
    public ModelEdits Combine(ModelEdits other)
    {
        var masks = RowMasks.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (name, rows) in other.RowMasks)
        {
            masks[name] = masks.TryGetValue(name, out var existing) ? existing.Concat(rows).ToArray() : rows;
        }
        return new ModelEdits(masks, MaskedLogits.Concat(other.MaskedLogits), ZeroedEmbeddingRows.Concat(other.ZeroedEmbeddingRows));
    }
}
