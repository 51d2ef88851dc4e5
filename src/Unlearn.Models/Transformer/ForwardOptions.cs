// Per-call settings of a forward pass: the edits to apply, the hooks to run, and which logits to compute.
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Transformer;

public enum LogitsMode
{
    /// <summary>No logits (activation capture stops after the last hooked layer's work is done).</summary>
    None,

    /// <summary>Logits for every cell of the batch, row b·columnCount + t.</summary>
    All,

    /// <summary>Logits for the last column only (row b): the next-token distribution of left-padded sequences.</summary>
    LastColumn,
}

public sealed record ForwardOptions
{
    public static readonly ForwardOptions Default = new();

    public ModelEdits Edits { get; init; } = ModelEdits.None;

    public IReadOnlyList<IActivationHook> Hooks { get; init; } = [];

    /// <summary>LoRA adapters by module name (e.g. "model.layers.3.mlp.down_proj"), added to that projection's output
    /// before its row masks apply (pruned rows stay pruned). Inference ignores adapter dropout.</summary>
    public IReadOnlyDictionary<string, LoraAdapter> Adapters { get; init; } = new Dictionary<string, LoraAdapter>();

    public LogitsMode Logits { get; init; } = LogitsMode.All;

    /// <summary>Run only the first N layers (e.g. when only early hook sites are needed); null runs all.</summary>
    public int? LayerLimit { get; init; }
}

/// <summary>Logits of a forward call: [RowCount, VocabSize] row-major.</summary>
public sealed class ForwardResult
{
    public ForwardResult(float[] logits, int rowCount, int vocabSize)
    {
        Logits = logits;
        RowCount = rowCount;
        VocabSize = vocabSize;
    }

    public float[] Logits { get; }

    public int RowCount { get; }

    public int VocabSize { get; }

    public ReadOnlySpan<float> Row(int row) => Logits.AsSpan(row * VocabSize, VocabSize);
}
