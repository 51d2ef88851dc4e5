// Replacing a resumable checkpoint folder so that a run killed at any moment leaves the previous checkpoint or the
// new one, never a mix: the new folder is written beside the target under "<folder>.partial-<pid>", the old one is
// renamed to "<folder>.old-<pid>", the new one renamed into place, then the old one deleted. A kill between the two
// renames leaves only the ".old" folder, which Recover puts back. Shared by LoRA fine-tuning and SAE training.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.Checkpoints;

internal static class CheckpointFolder
{
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "state.json";
    public const string LogFile = "train_log.jsonl";

    /// <summary>Writes a new checkpoint with <paramref name="write"/> (given the empty partial folder) and swaps it in.</summary>
    public static void Replace(string folder, Action<string> write)
    {
        string full = Path.GetFullPath(folder);
        string partial = $"{full}.partial-{Environment.ProcessId}";
        string old = $"{full}.old-{Environment.ProcessId}";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }
        Directory.CreateDirectory(partial);
        write(partial);
        if (Directory.Exists(full))
        {
            Directory.Move(full, old);
        }
        Directory.Move(partial, full);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>Puts back the last complete checkpoint when a run was killed between the two renames of <see cref="Replace"/>.</summary>
    public static void Recover(string folder)
    {
        string full = Path.GetFullPath(folder);
        string? parent = Path.GetDirectoryName(full);
        if (Directory.Exists(full) || parent is null || !Directory.Exists(parent))
        {
            return;
        }
        var old = Directory.GetDirectories(parent, Path.GetFileName(full) + ".old-*").Order(StringComparer.Ordinal).LastOrDefault();
        if (old is not null)
        {
            Directory.Move(old, full);
        }
    }

    /// <summary>Deletes the checkpoint folder (after the run it belongs to finished).</summary>
    public static void Delete(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }
    }

    /// <summary>The first field of <paramref name="current"/> whose value differs from the saved fingerprint; null when all match.</summary>
    public static string? FirstDifference(JsonObject? saved, JsonObject current)
    {
        foreach (var (key, value) in current)
        {
            JsonNode? old = saved?[key];
            if (!JsonNode.DeepEquals(old, value))
            {
                return $"its {key} is {Describe(old)} but this run's is {Describe(value)}";
            }
        }
        return null;
    }

    /// <summary>
    /// The state.json of a checkpoint folder (after <see cref="Recover"/>), checked to be of the given format and version;
    /// null when the folder holds no checkpoint. <paramref name="fail"/> builds the exception for a damaged one from a
    /// message that already says to delete the folder.
    /// </summary>
    public static JsonNode? ReadState(string folder, string stateFile, string format, int version, Func<string, Exception?, Exception> fail)
    {
        string full = Path.GetFullPath(folder);
        Recover(full);
        string statePath = Path.Combine(full, stateFile);
        if (!File.Exists(statePath))
        {
            return null;
        }
        JsonNode state;
        try
        {
            state = JsonNode.Parse(File.ReadAllText(statePath)) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw fail($"Checkpoint '{statePath}' is not valid JSON ({e.Message}); delete '{full}' to start the run over.", e);
        }
        bool known = state["format"] is JsonValue name && name.TryGetValue<string>(out var text) && text == format
            && state["format_version"] is JsonValue number && number.TryGetValue<int>(out var value) && value == version;
        if (!known)
        {
            throw fail($"Checkpoint '{statePath}': format is not {format} version {version}; delete '{full}' to start the run over.", null);
        }
        return state;
    }

    /// <summary>The records of a checkpoint's JSON-lines log, one per non-empty line, refusing a line that is not JSON.</summary>
    public static List<T> ReadLog<T>(string logPath, string folder, Func<JsonNode, string, T> parse, Func<string, Exception?, Exception> fail)
    {
        var records = new List<T>();
        foreach (var line in File.ReadLines(logPath).Where(l => l.Length > 0))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw fail($"Checkpoint log '{logPath}' has a line that is not JSON ({e.Message}); delete '{Path.GetFullPath(folder)}' to start the run over.", e);
            }
            records.Add(parse(node ?? new JsonObject(), logPath));
        }
        return records;
    }

    /// <summary>
    /// The parts every checkpoint has besides its weights, into the partial folder: optimizer.safetensors
    /// (Optimizer.SaveState), state.json (<paramref name="state"/>, indented) and train_log.jsonl (one record per line).
    /// </summary>
    public static void WriteOptimizerStateAndLog(string partial, Optimizer optimizer, JsonObject state, IEnumerable<JsonNode> log)
    {
        WriteFile(Path.Combine(partial, OptimizerFile), optimizer.SaveState);
        WriteText(Path.Combine(partial, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        WriteText(Path.Combine(partial, LogFile), string.Concat(log.Select(r => r.ToJsonString() + "\n")));
    }

    /// <summary>Restores <paramref name="optimizer"/> from the optimizer.safetensors of the checkpoint in <paramref name="folder"/>.</summary>
    public static void LoadOptimizer(string folder, Optimizer optimizer)
    {
        string path = Path.Combine(folder, OptimizerFile);
        using var stream = File.OpenRead(path);
        optimizer.LoadState(stream, path);
    }

    /// <summary>Writes a file and flushes it to disk (checkpoint files are read back after a crash).</summary>
    public static void WriteFile(string path, Action<Stream> write)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    public static void WriteText(string path, string text) =>
        WriteFile(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string Describe(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "missing";
        return text.Length <= 160 ? text : text[..157] + "...";
    }
}
