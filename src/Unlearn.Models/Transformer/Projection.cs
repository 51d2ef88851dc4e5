// The seven linear projections of a decoder block and their Hugging Face checkpoint names. This is the
// one table that maps checkpoint names to the runtime's structure (STYLE.md: names are data).
namespace Unlearn.Models.Transformer;

public enum Projection
{
    Query,
    Key,
    Value,
    Output,
    Gate,
    Up,
    Down,
}

public static class WeightNames
{
    public const string Embedding = "model.embed_tokens.weight";
    public const string FinalNorm = "model.norm.weight";
    public const string LmHead = "lm_head.weight";

    private static readonly (Projection Projection, string Module, string Short)[] Table =
    [
        (Projection.Query, "self_attn.q_proj", "q"),
        (Projection.Key, "self_attn.k_proj", "k"),
        (Projection.Value, "self_attn.v_proj", "v"),
        (Projection.Output, "self_attn.o_proj", "o"),
        (Projection.Gate, "mlp.gate_proj", "gate"),
        (Projection.Up, "mlp.up_proj", "up"),
        (Projection.Down, "mlp.down_proj", "down"),
    ];

    public static string InputNorm(int layer) => $"model.layers.{layer}.input_layernorm.weight";

    public static string PostAttentionNorm(int layer) => $"model.layers.{layer}.post_attention_layernorm.weight";

    /// <summary>The module path without ".weight", e.g. "model.layers.3.mlp.down_proj".</summary>
    public static string Module(int layer, Projection projection) => $"model.layers.{layer}.{Entry(projection).Module}";

    public static string Weight(int layer, Projection projection) => Module(layer, projection) + ".weight";

    public static string Bias(int layer, Projection projection) => Module(layer, projection) + ".bias";

    /// <summary>The short name used in YAML and PEFT target_modules lists: q, k, v, o, gate, up, down.</summary>
    public static string ShortName(Projection projection) => Entry(projection).Short;

    /// <summary>The PEFT/HF module leaf name: q_proj, k_proj, ..., down_proj.</summary>
    public static string LeafName(Projection projection)
    {
        var module = Entry(projection).Module;
        return module[(module.IndexOf('.') + 1)..];
    }

    public static IReadOnlyList<Projection> All { get; } = Enum.GetValues<Projection>();

    /// <summary>Parses "q", "q_proj", "self_attn.q_proj" (and the other six) into a projection.</summary>
    public static bool TryParseProjection(string text, out Projection projection)
    {
        foreach (var (p, module, shortName) in Table)
        {
            if (text == shortName || text == module || text == module[(module.IndexOf('.') + 1)..])
            {
                projection = p;
                return true;
            }
        }
        projection = default;
        return false;
    }

    /// <summary>Parses "model.layers.{i}.{module}.weight" into its layer and projection.</summary>
    public static bool TryParseWeight(string name, out int layer, out Projection projection)
    {
        layer = -1;
        projection = default;
        const string Prefix = "model.layers.";
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(".weight", StringComparison.Ordinal))
        {
            return false;
        }
        int dot = name.IndexOf('.', Prefix.Length);
        if (dot < 0 || !int.TryParse(name.AsSpan(Prefix.Length, dot - Prefix.Length), out layer))
        {
            return false;
        }
        string module = name[(dot + 1)..^".weight".Length];
        foreach (var (p, m, _) in Table)
        {
            if (m == module)
            {
                projection = p;
                return true;
            }
        }
        return false;
    }

    private static (Projection Projection, string Module, string Short) Entry(Projection projection) => Table[(int)projection];
}
