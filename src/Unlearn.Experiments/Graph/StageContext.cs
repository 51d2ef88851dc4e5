// Everything a running stage gets from the framework: the resolved experiment, where to write, where
// its upstream stages' outputs are, progress and log sinks, cancellation, the seed and the resolved
// numeric settings.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Graph;

public sealed class StageContext
{
    internal StageContext(
        ExperimentConfig config,
        string stageName,
        string key,
        JsonObject keyDocument,
        string outputDirectory,
        IReadOnlyDictionary<string, string> upstreamDirectories,
        StageProgress progress,
        StageLog log,
        NumericsEnvironment numerics,
        string checkpointDirectory,
        CancellationToken cancellationToken)
    {
        CheckpointDirectory = checkpointDirectory;
        Config = config;
        StageName = stageName;
        Key = key;
        KeyDocument = keyDocument;
        OutputDirectory = outputDirectory;
        UpstreamDirectories = upstreamDirectories;
        Progress = progress;
        Log = log;
        Numerics = numerics;
        CancellationToken = cancellationToken;
    }

    /// <summary>The validated experiment, defaults filled in, layers resolved against the model.</summary>
    public ExperimentConfig Config { get; }

    public string StageName { get; }

    /// <summary>This run's content key (64 hex characters).</summary>
    public string Key { get; }

    /// <summary>The canonical document this run's key was computed from (config section, upstream keys, input digests, settings).</summary>
    public JsonObject KeyDocument { get; }

    /// <summary>The SHA-256 of an external input's file as it entered the key (e.g. ("model weights", "model.safetensors")).</summary>
    public string InputDigest(string inputName, string fileLabel) =>
        KeyDocument["inputs"]?[inputName]?[fileLabel]?.GetValue<string>()
            ?? throw new InvalidOperationException($"{StageName} declared no external input '{inputName}' with a file '{fileLabel}'.");

    /// <summary>The (partial) folder to write every output into; it becomes the store entry on success.</summary>
    public string OutputDirectory { get; }

    /// <summary>Store entry folder of each upstream stage, by stage name (read-only).</summary>
    public IReadOnlyDictionary<string, string> UpstreamDirectories { get; }

    /// <summary>
    /// A folder outside the partial output, kept when the stage fails or is killed, for a resumable checkpoint of this
    /// key (artifacts/cache/&lt;key&gt;.checkpoint). The stage deletes it when it finishes; `unlearn gc` removes leftovers.
    /// </summary>
    public string CheckpointDirectory { get; }

    /// <summary>Run-to-run measurements (e.g. per-step timing) for manifest.json; never put them into outputs.</summary>
    public JsonObject Timing { get; } = [];

    public StageProgress Progress { get; }

    public StageLog Log { get; }

    public NumericsEnvironment Numerics { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>The experiment seed; derive per-purpose seeds from it deterministically.</summary>
    public int Seed => Config.Seed;

    /// <summary>Output folder of an upstream stage this stage declared.</summary>
    public string Upstream(string stageName) =>
        UpstreamDirectories.TryGetValue(stageName, out var directory)
            ? directory
            : throw new InvalidOperationException(
                $"{StageName} asked for the outputs of '{stageName}', which is not one of its declared upstream stages ({string.Join(", ", UpstreamDirectories.Keys)}).");
}
