// samples.jsonl: one JSON object per completion, in the order of EvaluationResult.Samples (variant, set, prompt,
// seed, sample). Fields: variant, set ("concept" | "leak"), prompt_index, prompt, seed, sample, text, tokens,
// stop ("stop_token" | "max_tokens" | "context_full"), match (concept: has a target term; leak: matches a leak
// pattern) and, for the concept set, adjacent, distinct_2, distinct_3, stutter, degenerate, target_mass. Read gives
// them back without the per-completion facts.
using System.Text.Json;

namespace Unlearn.Evaluation.Reports;

public static class SamplesJsonl
{
    private static readonly JsonWriterOptions LineOptions = MetricsJson.WriterOptions with { Indented = false };

    public static void Write(IReadOnlyList<SampleRecord> samples, string path)
    {
        using var file = File.Create(path);
        Write(samples, file);
    }

    /// <summary>The completions of a samples.jsonl, without the per-completion facts (the reports show text and match only).</summary>
    /// <exception cref="EvaluationException">the file is missing or a line is malformed</exception>
    public static IReadOnlyList<SampleRecord> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new EvaluationException($"{path}: file not found (run the Evaluate stage first).");
        }
        var records = new List<SampleRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                var row = document.RootElement;
                records.Add(new SampleRecord
                {
                    Variant = row.GetProperty("variant").GetString()!,
                    Set = row.GetProperty("set").GetString()!,
                    PromptIndex = row.GetProperty("prompt_index").GetInt32(),
                    Prompt = row.GetProperty("prompt").GetString()!,
                    Seed = row.GetProperty("seed").GetUInt64(),
                    Sample = row.GetProperty("sample").GetInt32(),
                    Text = row.GetProperty("text").GetString()!,
                    Tokens = row.GetProperty("tokens").GetInt32(),
                    Stop = row.GetProperty("stop").GetString()!,
                    Match = row.GetProperty("match").GetBoolean(),
                });
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new EvaluationException($"{path}:{number}: not a samples.jsonl line ({exception.Message}).");
            }
        }
        return records;
    }

    public static void Write(IReadOnlyList<SampleRecord> samples, Stream stream)
    {
        foreach (var s in samples)
        {
            using (var w = new Utf8JsonWriter(stream, LineOptions))
            {
                w.WriteStartObject();
                w.WriteString("variant", s.Variant);
                w.WriteString("set", s.Set);
                w.WriteNumber("prompt_index", s.PromptIndex);
                w.WriteString("prompt", s.Prompt);
                w.WriteNumber("seed", s.Seed);
                w.WriteNumber("sample", s.Sample);
                w.WriteString("text", s.Text);
                w.WriteNumber("tokens", s.Tokens);
                w.WriteString("stop", s.Stop);
                w.WriteBoolean("match", s.Match);
                if (s.Facts is { } f)
                {
                    w.WriteBoolean("adjacent", f.HasAdjacent);
                    w.WriteNumber("distinct_2", f.Degeneration.Distinct2);
                    w.WriteNumber("distinct_3", f.Degeneration.Distinct3);
                    w.WriteBoolean("stutter", f.Degeneration.Stutter);
                    w.WriteBoolean("degenerate", f.Degeneration.Degenerate);
                    w.WriteNumber("target_mass", f.TargetMass);
                }
                w.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
    }
}
