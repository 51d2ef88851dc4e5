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
