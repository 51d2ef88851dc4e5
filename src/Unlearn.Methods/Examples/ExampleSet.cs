// The examples stage's result: the training part (examples.json), the held-out part (heldout.json), and the
// statistics (stats.json). Write puts all three into a folder.
namespace Unlearn.Methods.Examples;

public sealed class ExampleSet
{
    public const string TrainingFile = "examples.json";
    public const string HeldOutFile = "heldout.json";
    public const string StatsFile = "stats.json";

    internal ExampleSet(ExampleLists training, ExampleLists heldOut, ExampleStats stats)
    {
        Training = training;
        HeldOut = heldOut;
        Stats = stats;
    }

    public ExampleLists Training { get; }

    public ExampleLists HeldOut { get; }

    public ExampleStats Stats { get; }

    /// <summary>Writes examples.json, heldout.json and stats.json into <paramref name="folder"/> (created if needed).</summary>
    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        ExampleFile.Write(Path.Combine(folder, TrainingFile), Training);
        ExampleFile.Write(Path.Combine(folder, HeldOutFile), HeldOut);
        Stats.Write(Path.Combine(folder, StatsFile));
    }
}
