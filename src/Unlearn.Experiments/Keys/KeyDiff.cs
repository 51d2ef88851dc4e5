// Field-level rerun reasons: the difference between the key document a stage had last time and the
// one it has now, worded for people: "saliency.C 2 → 0.5", "stage version 3 → 4",
// "model weights changed (sha256 3f2a… → 9b01…)", "upstream CacheActivations changed (activations.pooling mean → last)".
using System.Text;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Json;

namespace Unlearn.Experiments.Keys;

public static class KeyDiff
{
    private const int MaxValueLength = 48;
    private const int MaxChanges = 4;

    /// <summary>
    /// The changes from <paramref name="previous"/> to <paramref name="current"/>, in document order.
    /// <paramref name="explainUpstream"/> (stage, old key, new key) may give the cause of an upstream change.
    /// </summary>
    public static IReadOnlyList<string> Describe(JsonObject previous, JsonObject current, Func<string, string, string, string?>? explainUpstream = null)
    {
        var changes = new List<string>();
        if (!Same(previous["format"], current["format"]))
        {
            changes.Add($"key format {Render(previous["format"])} → {Render(current["format"])}");
        }
        if (!Same(previous["version"], current["version"]))
        {
            changes.Add($"stage version {Text(previous["version"])} → {Text(current["version"])}");
        }
        DiffNodes(previous["config"], current["config"], "", changes);
        DiffUpstream(previous["upstream"] as JsonObject ?? [], current["upstream"] as JsonObject ?? [], changes, explainUpstream);
        DiffInputs(previous["inputs"] as JsonObject ?? [], current["inputs"] as JsonObject ?? [], changes);
        DiffSettings(previous["settings"] as JsonObject ?? [], current["settings"] as JsonObject ?? [], changes);
        return changes;
    }

    /// <summary>The changes joined for one summary cell: at most four, then "and N more".</summary>
    public static string Summarise(IReadOnlyList<string> changes)
    {
        if (changes.Count <= MaxChanges)
        {
            return string.Join("; ", changes);
        }
        return string.Join("; ", changes.Take(MaxChanges)) + $"; and {changes.Count - MaxChanges} more";
    }

    private static void DiffNodes(JsonNode? before, JsonNode? after, string path, List<string> changes)
    {
        if (Same(before, after))
        {
            return;
        }
        if (before is JsonObject beforeObject && after is JsonObject afterObject)
        {
            foreach (var name in beforeObject.Select(p => p.Key).Union(afterObject.Select(p => p.Key)).Order(StringComparer.Ordinal))
            {
                var childPath = path.Length == 0 ? name : $"{path}.{name}";
                if (!beforeObject.ContainsKey(name))
                {
                    changes.Add($"{childPath} added (= {Render(afterObject[name])})");
                }
                else if (!afterObject.ContainsKey(name))
                {
                    changes.Add($"{childPath} removed (was {Render(beforeObject[name])})");
                }
                else
                {
                    DiffNodes(beforeObject[name], afterObject[name], childPath, changes);
                }
            }
            return;
        }
        if (before is JsonArray beforeArray && after is JsonArray afterArray && beforeArray.Count == afterArray.Count
            && (RenderFull(before).Length > MaxValueLength || RenderFull(after).Length > MaxValueLength))
        {
            // Long lists of equal length (prompts): name the elements that differ.
            for (var i = 0; i < beforeArray.Count; i++)
            {
                DiffNodes(beforeArray[i], afterArray[i], $"{path}[{i}]", changes);
            }
            return;
        }
        // Counts help only when a list is too long to show whole.
        var clipped = RenderFull(before).Length > MaxValueLength || RenderFull(after).Length > MaxValueLength;
        var counts = clipped && before is JsonArray b && after is JsonArray a && b.Count != a.Count ? $" ({b.Count} → {a.Count} items)" : "";
        changes.Add($"{path} {Render(before)} → {Render(after)}{counts}");
    }

    private static void DiffUpstream(JsonObject before, JsonObject after, List<string> changes, Func<string, string, string, string?>? explain)
    {
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!before.ContainsKey(name))
            {
                changes.Add($"upstream {name} added");
            }
            else if (!after.ContainsKey(name))
            {
                changes.Add($"upstream {name} removed");
            }
            else if (!Same(before[name], after[name]))
            {
                var cause = explain?.Invoke(name, Text(before[name]), Text(after[name]));
                changes.Add(string.IsNullOrEmpty(cause) ? $"upstream {name} changed" : $"upstream {name} changed ({cause})");
            }
        }
    }

    private static void DiffInputs(JsonObject before, JsonObject after, List<string> changes)
    {
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var beforeFiles = before[name] as JsonObject;
            var afterFiles = after[name] as JsonObject;
            if (beforeFiles is null)
            {
                changes.Add($"{name} added");
                continue;
            }
            if (afterFiles is null)
            {
                changes.Add($"{name} removed");
                continue;
            }
            if (Same(beforeFiles, afterFiles))
            {
                continue;
            }
            var single = beforeFiles.Count == 1 && afterFiles.Count == 1 && beforeFiles.First().Key == afterFiles.First().Key;
            foreach (var file in beforeFiles.Select(p => p.Key).Union(afterFiles.Select(p => p.Key)).Order(StringComparer.Ordinal))
            {
                if (!beforeFiles.ContainsKey(file))
                {
                    changes.Add($"{name} changed ({file} added)");
                }
                else if (!afterFiles.ContainsKey(file))
                {
                    changes.Add($"{name} changed ({file} removed)");
                }
                else if (!Same(beforeFiles[file], afterFiles[file]))
                {
                    var (old, now) = ShortDigests(Text(beforeFiles[file]), Text(afterFiles[file]));
                    changes.Add(single ? $"{name} changed (sha256 {old} → {now})" : $"{name} changed ({file} sha256 {old} → {now})");
                }
            }
        }
    }

    private static void DiffSettings(JsonObject before, JsonObject after, List<string> changes)
    {
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!Same(before[name], after[name]))
            {
                var label = name == "seed" ? "seed" : $"settings.{name}";
                changes.Add($"{label} {Render(before[name])} → {Render(after[name])}");
            }
        }
    }

    /// <summary>Digest prefixes long enough to differ (at least 4 hex characters), with "…".</summary>
    internal static (string Before, string After) ShortDigests(string before, string after)
    {
        var length = 4;
        while (length < Math.Min(before.Length, after.Length) && before[..length] == after[..length])
        {
            length++;
        }
        return (Shorten(before, length), Shorten(after, length));

        static string Shorten(string digest, int length) => digest.Length > length ? digest[..length] + "…" : digest;
    }

    private static bool Same(JsonNode? a, JsonNode? b) => CanonicalJson.Serialize(a) == CanonicalJson.Serialize(b);

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : Render(node);

    /// <summary>A compact human rendering: numbers canonical, texts quoted, lists "[a, b]", long values cut with "…".</summary>
    internal static string Render(JsonNode? node)
    {
        var text = RenderFull(node);
        return text.Length > MaxValueLength ? text[..(MaxValueLength - 1)] + "…" : text;
    }

    private static string RenderFull(JsonNode? node)
    {
        var builder = new StringBuilder();
        Append(node, builder);
        return builder.ToString();
    }

    private static void Append(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i > 0 ? ", " : "");
                    Append(array[i], builder);
                }
                builder.Append(']');
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    builder.Append(first ? "" : ", ").Append(name).Append(": ");
                    Append(value, builder);
                    first = false;
                }
                builder.Append('}');
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                // Plain words ("mean", "l1-logistic") read better bare; anything else is quoted.
                var bare = text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '/')
                    && !double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                    && text is not ("true" or "false" or "null");
                builder.Append(bare ? text : $"\"{text}\"");
                break;
            default:
                builder.Append(CanonicalJson.Serialize(node));
                break;
        }
    }
}
