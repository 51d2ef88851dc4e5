// ModelEdits checked against a model's shape and laid out for the forward pass: per layer and projection the
// rows to zero, plus the vocabulary edits. Unknown weight names and out-of-range rows are refused here, once.
using Unlearn.Models.Edits;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Transformer;

public sealed class ResolvedEdits
{
    private readonly int[]?[,] _rows;
    private readonly LoraAdapter?[,] _adapters;

    public ResolvedEdits(ModelEdits edits, TransformerShape shape, IReadOnlyDictionary<string, LoraAdapter>? adapters = null)
    {
        _rows = new int[]?[shape.LayerCount, WeightNames.All.Count];
        _adapters = new LoraAdapter?[shape.LayerCount, WeightNames.All.Count];
        foreach (var (module, adapter) in adapters ?? new Dictionary<string, LoraAdapter>())
        {
            if (!WeightNames.TryParseWeight(module + ".weight", out int layer, out var projection) || layer >= shape.LayerCount)
            {
                throw new ArgumentException($"LoRA adapter for '{module}': not a projection of this {shape.LayerCount}-layer model (expected e.g. 'model.layers.0.self_attn.q_proj').");
            }
            int inFeatures = InFeatures(shape, projection);
            int outFeatures = OutFeatures(shape, projection);
            if (adapter.InFeatures != inFeatures || adapter.OutFeatures != outFeatures)
            {
                throw new ArgumentException($"LoRA adapter for '{module}' maps {adapter.InFeatures} → {adapter.OutFeatures} features; the layer maps {inFeatures} → {outFeatures}.");
            }
            _adapters[layer, (int)projection] = adapter;
        }
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

    public LoraAdapter? Adapter(int layer, Projection projection) => _adapters[layer, (int)projection];

    private static int InFeatures(TransformerShape shape, Projection projection) => projection switch
    {
        Projection.Output => shape.QueryWidth,
        Projection.Down => shape.IntermediateSize,
        _ => shape.HiddenSize,
    };

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
