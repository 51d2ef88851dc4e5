// An experiment's view of one stage (artifacts/<experiment>/<Stage>/stage.json): the key it used last
// time and the key document behind it, so the next build can say which field changed.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Unlearn.Experiments.IO;

namespace Unlearn.Experiments.Store;

public sealed record StageView
{
    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    [JsonPropertyName("experiment")]
    public string Experiment { get; init; } = "";

    [JsonPropertyName("stage")]
    public string Stage { get; init; } = "";

    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    [JsonPropertyName("key_document")]
    public JsonObject KeyDocument { get; init; } = [];

    /// <summary>The experiment file, relative to the repository root.</summary>
    [JsonPropertyName("experiment_file")]
    public string ExperimentFile { get; init; } = "";

    [JsonPropertyName("updated_utc")]
    public DateTime UpdatedUtc { get; init; }

    /// <summary>The view, or null when absent or unreadable (an unreadable view is as good as none: the stage reruns or restores).</summary>
    public static StageView? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var view = JsonSerializer.Deserialize(File.ReadAllText(path), StoreJson.Default.StageView);
            return view is not null && ArtifactLayout.IsKey(view.Key) ? view : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, StoreJson.Default.StageView));
}
