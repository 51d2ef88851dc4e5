// ModelEdits checked against a model's shape and laid out for the forward pass: per layer and projection the
// rows to zero, plus the vocabulary edits. Unknown weight names and out-of-range rows are refused here, once.
using Unlearn.Models.Edits;

namespace Unlearn.Models.Transformer;

internal sealed class ResolvedEdits
{
    private readonly int[]?[,] _rows;

    public ResolvedEdits(ModelEdits edits, TransformerShape shape)
    {
        _rows = new int[]?[shape.LayerCount, WeightNames.All.Count];
        var logitZero = new List<int>();
        foreach (var (name, rows) in edits.RowMasks)
        {
            if (WeightNames.TryParseWeight(name, out int layer, out var projection))
            {
                if (layer >= shape.LayerCount)
                {
                    throw new ArgumentException($"Edit names '{name}', but the model has {shape.LayerCount} layers.");
                }
                CheckRows(name, rows, OutFeatures(shape, projection));
                _rows[layer, (int)projection] = rows;
            }
            else if (name == WeightNames.LmHead)
            {
                CheckRows(name, rows, shape.VocabSize);
                logitZero.AddRange(rows);
            }
            else if (name == WeightNames.Embedding)
            {
                CheckRows(name, rows, shape.VocabSize);
                ZeroedEmbeddingRows.UnionWith(rows);
                if (shape.TiedEmbeddings)
                {
                    logitZero.AddRange(rows);
                }
            }
            else
            {
                throw new ArgumentException($"Edit names weight '{name}', which is not a projection, '{WeightNames.LmHead}' or '{WeightNames.Embedding}'.");
            }
        }
        CheckRows("the logit mask", edits.MaskedLogits, shape.VocabSize);
        CheckRows("the embedding edit", edits.ZeroedEmbeddingRows, shape.VocabSize);
        ZeroedEmbeddingRows.UnionWith(edits.ZeroedEmbeddingRows);
        if (shape.TiedEmbeddings)
        {
            logitZero.AddRange(edits.ZeroedEmbeddingRows);
        }
        ZeroLogits = logitZero.Distinct().Order().ToArray();
        MaskedLogits = edits.MaskedLogits.ToArray();
    }

    public HashSet<int> ZeroedEmbeddingRows { get; } = [];

    /// <summary>Logits forced to 0 (zeroed lm_head rows; zeroed rows of a tied embedding).</summary>
    public int[] ZeroLogits { get; }

    /// <summary>Logits forced to −∞.</summary>
    public int[] MaskedLogits { get; }

    public int[]? Rows(int layer, Projection projection) => _rows[layer, (int)projection];

    private static int OutFeatures(TransformerShape shape, Projection projection) => projection switch
    {
        Projection.Query => shape.QueryWidth,
        Projection.Key or Projection.Value => shape.KvWidth,
        Projection.Gate or Projection.Up => shape.IntermediateSize,
        _ => shape.HiddenSize,
    };

    private static void CheckRows(string what, IEnumerable<int> rows, int limit)
    {
        foreach (var row in rows)
        {
            if ((uint)row >= (uint)limit)
            {
                throw new ArgumentException($"Edit of {what}: row {row} is outside [0, {limit}).");
            }
        }
    }
}
