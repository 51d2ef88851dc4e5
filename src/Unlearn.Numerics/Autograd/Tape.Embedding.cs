// Embedding op: one table row per token id, zeroed rows (vocabulary pruning) read as zero. A gradient flows only into
// a trainable table (full fine-tuning, tied LM head); a frozen table records nothing.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <param name="table">[vocabSize, dim]</param>
    /// <param name="ids">[rows] token ids (kept by reference until Backward)</param>
    /// <param name="zeroedRows">ids whose embedding reads as zero, or null</param>
    /// <returns>[rows, dim]</returns>
    public Variable Embedding(Weight table, int[] ids, IReadOnlySet<int>? zeroedRows = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var output = NewVariable(AutoName(name, "embedding"), ids.Length, table.Columns, table.IsTrainable);
        Kernels.Embedding.Forward(table.Values, ids, table.Rows, table.Columns, zeroedRows, output.Value);
        if (table.IsTrainable)
        {
            Record(new EmbeddingNode(output, table, ids, zeroedRows));
        }
        return output;
    }

    private sealed class EmbeddingNode(Variable output, Weight table, int[] ids, IReadOnlySet<int>? zeroedRows) : Node(output)
    {
        public override void Backward(Tape tape) =>
            Kernels.Embedding.Backward(tape.GradientOf(Output), ids, table.Rows, table.Columns, zeroedRows, table.Gradient);
    }
}
