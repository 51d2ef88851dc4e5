// manifest.json of a store entry: the key document that produced it, every output with size and
// SHA-256, and how it was made (wall time, peak memory, tool version, machine). The manifest is
// written last, inside the partial folder, before the rename that publishes the entry.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Unlearn.Experiments.Store;

public sealed record OutputFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256);

public sealed record MachineSummary(
    [property: JsonPropertyName("os")] string OperatingSystem,
    [property: JsonPropertyName("cpu")] string Cpu,
    [property: JsonPropertyName("cores")] int Cores,
    [property: JsonPropertyName("gemm")] string Gemm,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("runtime")] string Runtime);

public sealed record Manifest
{
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    [JsonPropertyName("stage")]
    public string Stage { get; init; } = "";

    [JsonPropertyName("version")]
    public string Version { get; init; } = "";

    [JsonPropertyName("key_document")]
    public JsonObject KeyDocument { get; init; } = [];

    /// <summary>Outputs sorted by path ('/'-separated, relative to the entry folder).</summary>
    [JsonPropertyName("outputs")]
    public IReadOnlyList<OutputFile> Outputs { get; init; } = [];

    [JsonPropertyName("wall_time_seconds")]
    public double WallTimeSeconds { get; init; }

    /// <summary>Peak resident memory during the stage, measured as <see cref="PeakMemoryMethod"/> says.</summary>
    [JsonPropertyName("peak_memory_bytes")]
    public long PeakMemoryBytes { get; init; }

    [JsonPropertyName("peak_memory_method")]
    public string PeakMemoryMethod { get; init; } = "";

    /// <summary>Measurements the stage recorded that vary from run to run (per-step timing); outputs never hold them,
    /// so that they stay bit-identical.</summary>
    [JsonPropertyName("timing")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Timing { get; init; }

    [JsonPropertyName("tool_version")]
    public string ToolVersion { get; init; } = "";

    [JsonPropertyName("machine")]
    public MachineSummary? Machine { get; init; }

    [JsonPropertyName("created_utc")]
    public DateTime CreatedUtc { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, StoreJson.Default.Manifest);

    /// <exception cref="StoreException">The manifest is not valid JSON or not a manifest.</exception>
    public static Manifest Read(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllText(path), StoreJson.Default.Manifest);
            if (manifest is null || manifest.Format != CurrentFormat || manifest.Key.Length == 0)
            {
                throw new StoreException($"'{path}' is not an Unlearn manifest (format {CurrentFormat}).");
            }
            return manifest;
        }
        catch (JsonException exception)
        {
            throw new StoreException($"'{path}' is not valid JSON: {exception.Message}", exception);
        }
    }
}

/// <summary>The store is unreadable or inconsistent, or could not be written.</summary>
public sealed class StoreException : Exception
{
    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
