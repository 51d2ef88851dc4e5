// Hook sites: the named points in a decoder block where activations can be observed or replaced. The names
// are the same everywhere (YAML, artefacts, CLI): layers.{i}.input, .attn.out, .mlp.act, .mlp.out, .residual.
namespace Unlearn.Models.Hooks;

public enum SiteKind
{
    /// <summary>Block input: the residual stream before the block (width hidden).</summary>
    Input,

    /// <summary>o_proj output, before it is added to the residual stream (width hidden).</summary>
    AttentionOutput,

    /// <summary>down_proj input: silu(gate) ⊙ up, the MLP neurons (width intermediate).</summary>
    MlpActivation,

    /// <summary>down_proj output, before it is added to the residual stream (width hidden).</summary>
    MlpOutput,

    /// <summary>Block output: the residual stream after the block (width hidden).</summary>
    Residual,
}

public readonly record struct HookSite(int Layer, SiteKind Kind)
{
    private static readonly (SiteKind Kind, string Name)[] Names =
    [
        (SiteKind.Input, "input"),
        (SiteKind.AttentionOutput, "attn.out"),
        (SiteKind.MlpActivation, "mlp.act"),
        (SiteKind.MlpOutput, "mlp.out"),
        (SiteKind.Residual, "residual"),
    ];

    /// <summary>All site kind names in block order: input, attn.out, mlp.act, mlp.out, residual.</summary>
    public static IReadOnlyList<string> KindNames { get; } = Names.Select(n => n.Name).ToArray();

    public string Name => $"layers.{Layer}.{KindName(Kind)}";

    public override string ToString() => Name;

    public static string KindName(SiteKind kind) => Names.First(n => n.Kind == kind).Name;

    public static bool TryParseKind(string text, out SiteKind kind)
    {
        foreach (var (k, name) in Names)
        {
            if (name == text)
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>Parses "layers.3.mlp.act".</summary>
    public static bool TryParse(string text, out HookSite site)
    {
        site = default;
        const string Prefix = "layers.";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        int dot = text.IndexOf('.', Prefix.Length);
        if (dot < 0 || !int.TryParse(text.AsSpan(Prefix.Length, dot - Prefix.Length), out int layer) || layer < 0)
        {
            return false;
        }
        if (!TryParseKind(text[(dot + 1)..], out var kind))
        {
            return false;
        }
        site = new HookSite(layer, kind);
        return true;
    }

    /// <summary>The width of the activation at this site for a model of the given sizes.</summary>
    public static int Width(SiteKind kind, int hiddenSize, int intermediateSize) =>
        kind == SiteKind.MlpActivation ? intermediateSize : hiddenSize;
}
