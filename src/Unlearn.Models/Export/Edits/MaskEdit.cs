// Bakes ModelEdits: row masks on projections become zeroed rows (and bias entries), lm_head row masks zeroed LM-head
// rows, zeroed embedding rows zeroed embedding rows, and the −∞ logit mask its zero-row form (the LM-head row zeroed,
// as the seed released it) plus a ban of the same ids that travels beside the weights (logit_bias.json). The names
// and rows are checked exactly as the forward pass checks them (ResolvedEdits).
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Export;

public sealed class MaskEdit(ModelEdits edits) : IExportEdit
{
    public ModelEdits Edits { get; } = edits ?? throw new ArgumentNullException(nameof(edits));

    public string Describe()
    {
        var parts = new List<string>();
        var projectionRows = Edits.RowMasks.Where(p => WeightNames.TryParseWeight(p.Key, out _, out _)).ToList();
        if (projectionRows.Count > 0)
        {
            var layers = projectionRows.Select(p => { WeightNames.TryParseWeight(p.Key, out int layer, out _); return layer; }).Distinct().Order().ToList();
            var kinds = projectionRows.Select(p => { WeightNames.TryParseWeight(p.Key, out _, out var projection); return WeightNames.LeafName(projection); }).Distinct().Order(StringComparer.Ordinal);
            parts.Add($"zeroed {projectionRows.Sum(p => p.Value.Length)} rows of {string.Join("/", kinds)} in layer{(layers.Count == 1 ? "" : "s")} {string.Join(", ", layers)}");
        }
        if (Edits.RowMasks.TryGetValue(WeightNames.LmHead, out var head) && head.Length > 0)
        {
            parts.Add($"zeroed {head.Length} LM-head rows (logit 0)");
        }
        int embeddingRows = Edits.ZeroedEmbeddingRows.Count + (Edits.RowMasks.TryGetValue(WeightNames.Embedding, out var embedding) ? embedding.Length : 0);
        if (embeddingRows > 0)
        {
            parts.Add($"zeroed {embeddingRows} input-embedding rows");
        }
        if (Edits.MaskedLogits.Count > 0)
        {
            parts.Add($"masked {Edits.MaskedLogits.Count} tokens' logits to −∞ (in the weights as zeroed LM-head rows; the exact ban in logit_bias.json)");
        }
        return parts.Count == 0 ? "no mask edits" : string.Join("; ", parts);
    }

    public void Bake(BakingWeights weights)
    {
        var shape = weights.Shape;
        var resolved = new ResolvedEdits(Edits, shape);
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            foreach (var projection in WeightNames.All)
            {
                if (resolved.Rows(layer, projection) is { Length: > 0 } rows)
                {
                    weights.ZeroRows(layer, projection, rows);
                }
            }
        }
        if (Edits.RowMasks.TryGetValue(WeightNames.LmHead, out var head))
        {
            weights.ZeroOutputRows(head);
        }
        weights.ZeroEmbeddingRows(resolved.ZeroedEmbeddingRows);
        weights.ZeroOutputRows(Edits.MaskedLogits);
        weights.Ban(Edits.MaskedLogits);
    }
}
