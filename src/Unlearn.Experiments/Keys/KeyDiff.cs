// Field-level rerun reasons: the difference between the key document a stage had last time and the
// one it has now, worded for people: "saliency.C 2 → 0.5", "stage version 3 → 4",
// "model weights changed (sha256 3f2a… → 9b01…)". An upstream change is named by its root cause, once:
// "activations.pooling mean → last (via CacheActivations)", not as a chain of "upstream X changed (upstream Y …)".
using System.Text;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Json;

namespace Unlearn.Experiments.Keys;

/// <summary>One cause of a key change: what changed, and the upstream stage whose own key document it is in (null: this stage's).</summary>
public sealed record KeyChange(string Text, string? Via);

public static class KeyDiff
{
    private const int MaxValueLength = 48;
    private const int MaxChanges = 4;

    /// <summary>
    /// The changes from <paramref name="previous"/> to <paramref name="current"/>, in document order, each named once.
    /// <paramref name="rootCauses"/> (stage, old key, new key) gives the root causes of an upstream change (null when
    /// unknown: the line then says "upstream X changed").
    /// </summary>
    public static IReadOnlyList<string> Describe(JsonObject previous, JsonObject current, Func<string, string, string, IReadOnlyList<KeyChange>?>? rootCauses = null) =>
        Format(Causes(previous, current, rootCauses, via: null));

    /// <summary>
    /// The causes of the change with <paramref name="via"/> as the origin of this document's own changes; upstream changes
    /// are replaced by their root causes.
    /// </summary>
    public static IReadOnlyList<KeyChange> Causes(JsonObject previous, JsonObject current, Func<string, string, string, IReadOnlyList<KeyChange>?>? rootCauses, string? via)
    {
        // Upstream root causes first, so that a change several stages share names the deepest stage first ("via BuildExamples, CacheActivations").
        var causes = new List<KeyChange>();
        var before = previous["upstream"] as JsonObject ?? [];
        var after = current["upstream"] as JsonObject ?? [];
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!before.ContainsKey(name))
            {
                causes.Add(new KeyChange($"upstream {name} added", via));
            }
            else if (!after.ContainsKey(name))
            {
                causes.Add(new KeyChange($"upstream {name} removed", via));
            }
            else if (!Same(before[name], after[name]))
            {
                var upstream = rootCauses?.Invoke(name, Text(before[name]), Text(after[name]));
                causes.AddRange(upstream is { Count: > 0 } ? upstream : [new KeyChange($"upstream {name} changed", via)]);
            }
        }
        // An upstream stage's own version change names that stage: "BuildExamples version 1 → 2", not "stage version".
        causes.AddRange(OwnChanges(previous, current).Select(c => new KeyChange(
            via is not null && c.StartsWith("stage version ", StringComparison.Ordinal) ? via + c["stage".Length..] : c, via)));
        return causes;
    }

    /// <summary>The key document's own changes: layout format, stage version, config section, inputs and settings.</summary>
    public static IReadOnlyList<string> OwnChanges(JsonObject previous, JsonObject current)
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
        DiffInputs(previous["inputs"] as JsonObject ?? [], current["inputs"] as JsonObject ?? [], changes);
        DiffSettings(previous["settings"] as JsonObject ?? [], current["settings"] as JsonObject ?? [], changes);
        return changes;
    }

    /// <summary>
    /// One line per distinct change: this stage's own first, then upstream root causes with the stages they came through
    /// ("settings.gemm managed → openblas (via BuildExamples)"); a root cause that is also an own change is said once.
    /// </summary>
    public static IReadOnlyList<string> Format(IEnumerable<KeyChange> causes)
    {
        var order = new List<string>();
        var vias = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cause in causes)
        {
            if (!vias.TryGetValue(cause.Text, out var list))
            {
                vias[cause.Text] = list = [];
                order.Add(cause.Text);
            }
            if (cause.Via is null)
            {
                own.Add(cause.Text);
            }
            else if (!list.Contains(cause.Via))
            {
                list.Add(cause.Via);
            }
        }
        return order.OrderBy(t => own.Contains(t) ? 0 : 1)
            .Select(t => own.Contains(t) || vias[t].Count == 0 ? t : $"{t} (via {string.Join(", ", vias[t])})")
            .ToList();
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
