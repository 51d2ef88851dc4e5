// Which weight rows a scored unit of a site stands for. Corrected mapping: a dimension j of a residual-width
// sublayer output is the j-th output coordinate of the projection that writes it, so attn.out dim j → row j of
// o_proj and mlp.out dim j → row j of down_proj; an MLP neuron j (mlp.act) is produced by row j of gate_proj and
// of up_proj (one candidate unit, two rows; zeroing either silences the neuron, zeroing both makes it exact).
// The block input and residual stream are sums over every earlier sublayer, so no single row writes them: they
// cannot be pruned this way. The seed-compatible mapping reproduces the seed's index-space bug.
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Saliency;

/// <summary>One weight row: the HF weight name and the row (output feature) index.</summary>
public readonly record struct WeightRow(string Tensor, int Row);

public static class WeightRowMapping
{
    /// <summary>The projections whose row j a unit j of the site stands for.</summary>
    /// <exception cref="SaliencyException">The site cannot be mapped (input/residual; mlp.act under the seed mapping).</exception>
    public static IReadOnlyList<Projection> Projections(SiteKind kind, MappingCompat compat)
    {
        if (compat == MappingCompat.Seed)
        {
            return kind switch
            {
                SiteKind.AttentionOutput => [Projection.Query],
                SiteKind.MlpOutput => [Projection.Up],
                _ => throw new SaliencyException(
                    $"compat: seed reproduces the seed's mapping of its attention and MLP outputs only (attn.out → q_proj, mlp.out → up_proj); site kind '{HookSite.KindName(kind)}' has no seed behaviour. Inspect attn.out and mlp.out, or use the corrected mapping."),
            };
        }
        return kind switch
        {
            SiteKind.AttentionOutput => [Projection.Output],
            SiteKind.MlpOutput => [Projection.Down],
            SiteKind.MlpActivation => [Projection.Gate, Projection.Up],
            _ => throw new SaliencyException(
                $"Site kind '{HookSite.KindName(kind)}' is the residual stream, a sum over every earlier sublayer: no single weight row writes its dimension j, so its scores cannot become a row mask. " +
                "Inspect attn.out (→ o_proj rows) or mlp.out (→ down_proj rows), or mlp.act (→ gate_proj and up_proj rows)."),
        };
    }

    /// <summary>The rows unit <paramref name="unit"/> of <paramref name="site"/> maps to.</summary>
    public static IEnumerable<WeightRow> Rows(HookSite site, int unit, MappingCompat compat) =>
        Projections(site.Kind, compat).Select(p => new WeightRow(WeightNames.Weight(site.Layer, p), unit));

    /// <summary>Output rows of a projection of a model of this shape.</summary>
    public static int RowCount(TransformerShape shape, Projection projection) => projection switch
    {
        Projection.Query => shape.QueryWidth,
        Projection.Key or Projection.Value => shape.KvWidth,
        Projection.Gate or Projection.Up => shape.IntermediateSize,
        _ => shape.HiddenSize,
    };
}
