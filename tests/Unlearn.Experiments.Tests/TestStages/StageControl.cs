// Lets a test steer the test stages from outside the process: a "stage-control.json" in the
// experiment's repository folder can delay a stage, make it fail midway, or name a counter file each
// stage run appends a line to (so two processes can be checked for computing an entry only once).
using System.Text.Json;

namespace Unlearn.TestStages;

public sealed record StageControl(
    Dictionary<string, int>? DelayMilliseconds,
    List<string>? Fail,
    string? Counter,
    List<string>? WriteReservedName = null)
{
    public const string FileName = "stage-control.json";

    public static StageControl For(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<StageControl>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!
            : new StageControl(null, null, null);
    }

    /// <summary>Called by each test stage once its outputs are partly written.</summary>
    public void Apply(string stage, string outputDirectory, CancellationToken cancellationToken)
    {
        if (Counter is not null)
        {
            // O_APPEND writes of one short line are atomic, so concurrent processes do not interleave.
            File.AppendAllText(Counter, $"{stage} {Environment.ProcessId}\n");
        }
        if (DelayMilliseconds?.TryGetValue(stage, out var delay) == true)
        {
            File.WriteAllText(Path.Combine(outputDirectory, "started.marker"), "running");
            var until = DateTime.UtcNow.AddMilliseconds(delay);
            while (DateTime.UtcNow < until)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(20);
            }
            File.Delete(Path.Combine(outputDirectory, "started.marker"));
        }
        if (WriteReservedName?.Contains(stage) == true)
        {
            // A stage bug the store must refuse at commit time: an output named like the manifest.
            File.WriteAllText(Path.Combine(outputDirectory, "manifest.json"), "{}");
        }
        if (Fail?.Contains(stage) == true)
        {
            throw new InvalidOperationException($"{stage} failed on purpose (stage-control.json)");
        }
    }
}
