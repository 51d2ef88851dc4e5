// A rendered example ready for the trainer: token ids and, per position, the id it must predict (−100 where the
// position does not count). Labels are shifted already — label[t] is ids[t + 1] when token t + 1 belongs to an
// assistant span — so a batch of examples maps straight onto LlamaModel.TrainingForward's labels.
namespace Unlearn.Methods.FineTuning;

public sealed class TrainingExample
{
    /// <summary>The label of a position that does not count towards the loss (PyTorch's ignore_index).</summary>
    public const int Ignored = -100;

    public TrainingExample(string source, ExampleKind kind, int[] ids, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(labels);
        if (ids.Length == 0 || labels.Length != ids.Length)
        {
            throw new ArgumentException($"Example '{source}': needs at least one token and one label per token ({ids.Length} ids, {labels.Length} labels).");
        }
        Source = source;
        Kind = kind;
        Ids = ids;
        Labels = labels;
        LabelCount = labels.Count(l => l != Ignored);
    }

    /// <summary>Where the example came from ("data.jsonl:12", "generate:7", "forget:2").</summary>
    public string Source { get; }

    public ExampleKind Kind { get; }

    public int[] Ids { get; }

    /// <summary>[Length] the next id to predict at each position, or <see cref="Ignored"/>.</summary>
    public int[] Labels { get; }

    public int Length => Ids.Length;

    /// <summary>Positions that count towards the loss.</summary>
    public int LabelCount { get; }
}
