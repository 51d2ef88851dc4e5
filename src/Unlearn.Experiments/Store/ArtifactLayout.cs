// Where everything lives under artifacts/:
//   artifacts/.hashes.json                    the hash memo
//   artifacts/cache/<key>/                    a store entry: outputs + manifest.json
//   artifacts/cache/<key>.partial-<pid>/      an entry being computed (never read)
//   artifacts/cache/<key>.lock                the lock file of a key
//   artifacts/cache/<key>.checkpoint/         a resumable checkpoint of an interrupted stage (Repair)
//   artifacts/<experiment>/<Stage>/stage.json an experiment's view: which key it used last
namespace Unlearn.Experiments.Store;

public sealed class ArtifactLayout
{
    /// <summary>Experiment names that would collide with the store's own folders.</summary>
    public static IReadOnlySet<string> ReservedNames { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "cache", "test-results" };

    public const string PartialMarker = ".partial-";
    public const string CheckpointSuffix = ".checkpoint";
    public const string ManifestFileName = "manifest.json";
    public const string ViewFileName = "stage.json";

    public ArtifactLayout(string repositoryRoot)
    {
        Root = Path.Combine(Path.GetFullPath(repositoryRoot), "artifacts");
    }

    /// <summary>The artifacts/ folder.</summary>
    public string Root { get; }

    public string Cache => Path.Combine(Root, "cache");

    public string MemoPath => Path.Combine(Root, ".hashes.json");

    public string EntryDirectory(string key) => Path.Combine(Cache, key);

    public string ManifestPath(string key) => Path.Combine(EntryDirectory(key), ManifestFileName);

    public string PartialDirectory(string key, int processId) => Path.Combine(Cache, $"{key}{PartialMarker}{processId}");

    public string CheckpointDirectory(string key) => Path.Combine(Cache, key + CheckpointSuffix);

    public string LockPath(string key) => Path.Combine(Cache, key + ".lock");

    public string ExperimentDirectory(string experiment) => Path.Combine(Root, experiment);

    public string ViewPath(string experiment, string stage) => Path.Combine(Root, experiment, stage, ViewFileName);

    /// <summary>True for a 64-hex-character key.</summary>
    public static bool IsKey(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}
