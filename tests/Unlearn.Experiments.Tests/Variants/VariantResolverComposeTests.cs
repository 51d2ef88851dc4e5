// Edits compose in the documented order (docs/variants.md): row masks → direction removal → vocabulary edit →
// adapter. For every combination an experiment can configure (and row masks with direction removal), what
// VariantResolver.Compose runs equals a reference built here on copies of stories260K's weights by applying each edit to the
// weights in that order — rows zeroed, W ← (I − u uᵀ) W in double, embedding rows zeroed, the adapter merged (masked
// rows zeroed again after it with keep_masks) — with only the −∞ logits left to the forward pass. Out-of-order lists
// and direction removal under an adapter on an edited projection are refused.
using Unlearn.Experiments.Tests.Support;
using Unlearn.Experiments.Variants;
using Unlearn.Models;
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Experiments.Tests.Variants;

public sealed class VariantResolverComposeTests : IDisposable
{
    private static readonly int[][] Prompts = [[1, 403, 261, 401, 262, 297, 263], [1, 317, 269, 374, 426]];

    private readonly PretrainedModel _model = PretrainedModel.Load(SourceTree.PathOf("models/stories260K"));

    public void Dispose() => _model.Dispose();

    public static TheoryData<string> Combinations => new()
    {
        "rows", "vocab", "rows+vocab", "rows+vocab+adapter(keep)", "rows+vocab+adapter(nokeep)", "vocab+adapter", "adapter",
        "direction", "direction(all+embedding)", "rows+direction+vocab",
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Compose_Combination_EqualsTheEditsAppliedToTheWeightsInOrder(string combination)
    {
        var edits = Edits(combination);
        using var variant = VariantResolver.Compose("v", _model.Runtime, edits);
        using var reference = Reference(edits);
        var batch = ForwardBatch.RightPadded(Prompts);
        var masked = edits.Where(e => e.Kind == VariantEditKind.Vocabulary).SelectMany(e => e.Masks!.MaskedLogits);
        var expected = reference.Forward(batch, options: new ForwardOptions { Edits = new ModelEdits(new Dictionary<string, int[]>(), masked, []) }).Logits;
        var actual = (variant.Model ?? _model.Runtime).Forward(batch, options: variant.Options).Logits;
        var unedited = _model.Model.Forward(batch).Logits;

        Assert.Equal(edits.Select(e => e.Kind), variant.Edits.Select(e => e.Kind));
        double worst = 0, changed = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNegativeInfinity(expected[i]))
            {
                Assert.True(float.IsNegativeInfinity(actual[i]), $"{combination}: logit {i} should be −∞");
                continue;
            }
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
            changed = Math.Max(changed, Math.Abs(expected[i] - unedited[i]));
        }
        Assert.True(worst <= 2e-4, $"{combination}: composed vs weights edited in order differ by {worst:E2}");
        Assert.True(changed > 1e-2, $"{combination}: the edits change nothing measurable ({changed:E2}); the comparison would prove nothing");
    }

    [Fact]
    public void Compose_OutOfOrder_IsRefusedNamingTheOrder()
    {
        var error = Assert.Throws<VariantException>(() => VariantResolver.Compose("v", _model.Runtime, [Vocabulary(), Rows()]));

        Assert.Contains("row masks → direction removal → vocabulary → adapter", error.Message);
    }

    [Fact]
    public void Compose_DirectionUnderAnAdapterOnAnEditedProjection_IsRefused()
    {
        var error = Assert.Throws<VariantException>(() => VariantResolver.Compose("v", _model.Runtime,
            [Direction([2], false), Adapter(WeightNames.Module(2, Projection.Output), keep: true)]));

        Assert.Contains("not supported", error.Message);
    }

    private IReadOnlyList<VariantEdit> Edits(string combination) => combination switch
    {
        "rows" => [Rows()],
        "vocab" => [Vocabulary()],
        "rows+vocab" => [Rows(), Vocabulary()],
        "rows+vocab+adapter(keep)" => [Rows(), Vocabulary(), Adapter(WeightNames.Module(3, Projection.Output), keep: true)],
        "rows+vocab+adapter(nokeep)" => [Rows(), Vocabulary(), Adapter(WeightNames.Module(3, Projection.Output), keep: false)],
        "vocab+adapter" => [Vocabulary(), Adapter(WeightNames.Module(1, Projection.Down), keep: true, inputMask: true)],
        "adapter" => [Adapter(WeightNames.Module(1, Projection.Down), keep: true, inputMask: true)],
        "direction" => [Direction([1, 3], false)],
        "direction(all+embedding)" => [Direction([0, 1, 2, 3, 4], true)],
        "rows+direction+vocab" => [Rows(), Direction([3], false), Vocabulary()],
        _ => throw new ArgumentOutOfRangeException(nameof(combination)),
    };

    private static VariantEdit Rows() => new(VariantEditKind.RowMasks, "Saliency", "rows")
    {
        Masks = new ModelEdits(new Dictionary<string, int[]>
        {
            [WeightNames.Weight(3, Projection.Output)] = [1, 7, 40],
            [WeightNames.Weight(1, Projection.Down)] = [2, 63],
            [WeightNames.Weight(2, Projection.Gate)] = [5, 100],
        }, [], []),
    };

    private static VariantEdit Vocabulary() => new(VariantEditKind.Vocabulary, "PruneVocab", "vocab")
    {
        Masks = new ModelEdits(new Dictionary<string, int[]>(), [317, 374], [317]),
    };

    private VariantEdit Direction(int[] layers, bool embedding)
    {
        var random = new Random(11);
        var u = Enumerable.Range(0, _model.Model.Shape.HiddenSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return new VariantEdit(VariantEditKind.DirectionRemoval, "Direction", "direction") { Direction = new DirectionRemoval(u, layers, embedding) };
    }

    private VariantEdit Adapter(string module, bool keep, bool inputMask = false)
    {
        Assert.True(WeightNames.TryParseWeight(module + ".weight", out int layer, out var projection));
        var shape = _model.Model.Shape;
        var (inFeatures, outFeatures) = AdapterSet.Features(shape, projection);
        float[]? mask = inputMask ? Enumerable.Range(0, inFeatures).Select(i => i % 3 == 0 ? 1f : 0f).ToArray() : null;
        var adapter = LoraAdapter.Create(AdapterSet.PeftName(module, "lora_A"), AdapterSet.PeftName(module, "lora_B"), inFeatures, outFeatures, 4, 8, new SeededRandom(3), mask);
        var random = new Random(4);
        for (int i = 0; i < adapter.B.Length; i++)
        {
            adapter.B.Value[i] = (float)(random.NextDouble() - 0.5) * 0.5f;
        }
        var settings = new LoraSettings { Rank = 4, Alpha = 8, Targets = [projection], Layers = [layer] };
        return new VariantEdit(VariantEditKind.Adapter, "Repair", "adapter")
        {
            Adapters = new AdapterSet(settings, new Dictionary<string, LoraAdapter> { [module] = adapter }),
            KeepMasks = keep,
        };
    }

    // The weights copied, then every edit applied to them in list order.
    private LlamaModel Reference(IReadOnlyList<VariantEdit> edits)
    {
        var shape = _model.Model.Shape;
        var source = _model.Model.Weights;
        var owned = new List<IDisposable>();
        DenseMatrix Copy(DenseMatrix m)
        {
            var copy = DenseMatrix.Allocate(m.Rows, m.Columns, m.Name);
            m.Span.CopyTo(copy.Span);
            owned.Add(copy);
            return copy;
        }
        var embedding = Copy(source.Embedding);
        // The head stays the original rows under a direction edit of the embedding (docs/variants.md); a zeroed
        // vocabulary row is zeroed in the tied matrix, head included, as the run-time edit reads it.
        var head = Copy(source.OutputMatrix);
        var layers = source.Layers.Select(l => new LayerWeights
        {
            InputNorm = l.InputNorm,
            Query = new LinearWeight(Copy(l.Query.Weight), l.Query.Bias),
            Key = new LinearWeight(Copy(l.Key.Weight), l.Key.Bias),
            Value = new LinearWeight(Copy(l.Value.Weight), l.Value.Bias),
            Output = new LinearWeight(Copy(l.Output.Weight), l.Output.Bias),
            PostAttentionNorm = l.PostAttentionNorm,
            Gate = new LinearWeight(Copy(l.Gate.Weight), l.Gate.Bias),
            Up = new LinearWeight(Copy(l.Up.Weight), l.Up.Bias),
            Down = new LinearWeight(Copy(l.Down.Weight), l.Down.Bias),
        }).ToArray();
        DenseMatrix Weight(string name)
        {
            Assert.True(WeightNames.TryParseWeight(name, out int layer, out var projection));
            return layers[layer][projection].Weight;
        }
        var rows = new Dictionary<string, int[]>();
        foreach (var edit in edits)
        {
            switch (edit.Kind)
            {
                case VariantEditKind.RowMasks:
                    foreach (var (name, indices) in edit.Masks!.RowMasks)
                    {
                        rows[name] = indices;
                        foreach (int row in indices)
                        {
                            Weight(name).Row(row).Clear();
                        }
                    }
                    break;
                case VariantEditKind.DirectionRemoval:
                    var u = edit.Direction!.Unit.ToArray();
                    foreach (int layer in edit.Direction.Layers)
                    {
                        ProjectColumns(layers[layer].Output.Weight, u);
                        ProjectColumns(layers[layer].Down.Weight, u);
                    }
                    if (edit.Direction.Embedding)
                    {
                        for (int token = 0; token < embedding.Rows; token++)
                        {
                            ProjectRow(embedding.Row(token), u);
                        }
                    }
                    break;
                case VariantEditKind.Vocabulary:
                    foreach (int token in edit.Masks!.ZeroedEmbeddingRows)
                    {
                        embedding.Row(token).Clear();
                        head.Row(token).Clear();
                    }
                    break;
                case VariantEditKind.Adapter:
                    foreach (var (module, adapter) in edit.Adapters!.Adapters)
                    {
                        var w = Weight(module + ".weight");
                        for (int o = 0; o < w.Rows; o++)
                        {
                            for (int c = 0; c < w.Columns; c++)
                            {
                                double delta = 0;
                                for (int r = 0; r < adapter.Rank; r++)
                                {
                                    delta += (double)adapter.B.Value[o * adapter.Rank + r] * adapter.A.Value[r * adapter.InFeatures + c] * (adapter.InputMask?[c] ?? 1f);
                                }
                                w.Row(o)[c] += (float)(adapter.Scale * delta);
                            }
                        }
                        if (edit.KeepMasks && rows.TryGetValue(module + ".weight", out var pruned))
                        {
                            foreach (int row in pruned)
                            {
                                w.Row(row).Clear();
                            }
                        }
                    }
                    break;
            }
        }
        var weights = new ModelWeights(embedding, head, source.FinalNorm, layers, owned);
        return new LlamaModel(shape, weights, _model.Model.Gemm);
    }

    // W ← (I − u uᵀ) W for W [hidden, in].
    private static void ProjectColumns(DenseMatrix weight, float[] u)
    {
        for (int c = 0; c < weight.Columns; c++)
        {
            double along = 0;
            for (int r = 0; r < weight.Rows; r++)
            {
                along += (double)u[r] * weight.Row(r)[c];
            }
            for (int r = 0; r < weight.Rows; r++)
            {
                weight.Row(r)[c] = (float)(weight.Row(r)[c] - along * u[r]);
            }
        }
    }

    private static void ProjectRow(Span<float> row, float[] u)
    {
        double along = 0;
        for (int j = 0; j < row.Length; j++)
        {
            along += (double)u[j] * row[j];
        }
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = (float)(row[j] - along * u[j]);
        }
    }
}
