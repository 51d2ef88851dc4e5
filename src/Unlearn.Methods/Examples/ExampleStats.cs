// stats.json of the examples stage: what each source produced, what was dropped and why, what was kept per
// class and split, and length statistics of the kept examples (words, and tokens when a tokenizer was given).
using System.Text.Json;

namespace Unlearn.Methods.Examples;

/// <summary>Why a candidate was not kept.</summary>
public enum DropReason
{
    /// <summary>Same text as an earlier candidate of the same class (case- and whitespace-insensitive).</summary>
    Duplicate,

    /// <summary>The same text occurs in both classes (supplied files): every copy is dropped.</summary>
    ConflictingLabel,

    TooFewWords,

    TooManyWords,

    TooManyTokens,

    /// <summary>Passed every filter but was not needed for the requested count.</summary>
    Surplus,
}

/// <summary>Min, max, mean and median of a length distribution; all 0 for an empty one.</summary>
public sealed record LengthSummary(int Count, int Min, int Max, double Mean, double Median)
{
    public static LengthSummary Of(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return new LengthSummary(0, 0, 0, 0, 0);
        }
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new LengthSummary(n, sorted[0], sorted[^1], sorted.Sum(v => (long)v) / (double)n, median);
    }
}

public sealed class ExampleStats
{
    internal ExampleStats(
        ExampleOptions options, IReadOnlyList<SourceSummary> sources, int[] candidates, int[,] dropped, int[] available,
        int[] training, int[] heldOut, IReadOnlyDictionary<string, int[]> candidatesBySource, IReadOnlyDictionary<string, int[]> keptBySource,
        LengthSummary[] words, LengthSummary[]? tokens)
    {
        Options = options;
        Sources = sources;
        CandidateCounts = candidates;
        _dropped = dropped;
        AvailableCounts = available;
        TrainingCounts = training;
        HeldOutCounts = heldOut;
        CandidatesBySource = candidatesBySource;
        KeptBySource = keptBySource;
        Words = words;
        Tokens = tokens;
    }

    private readonly int[,] _dropped;

    public ExampleOptions Options { get; }

    public IReadOnlyList<SourceSummary> Sources { get; }

    /// <summary>Candidates per class, indexed by <see cref="ExampleLabel"/>.</summary>
    public IReadOnlyList<int> CandidateCounts { get; }

    /// <summary>Candidates per class that passed deduplication and the length filters.</summary>
    public IReadOnlyList<int> AvailableCounts { get; }

    public IReadOnlyList<int> TrainingCounts { get; }

    public IReadOnlyList<int> HeldOutCounts { get; }

    /// <summary>Candidates per source: [concept, background].</summary>
    public IReadOnlyDictionary<string, int[]> CandidatesBySource { get; }

    /// <summary>Kept examples (training + held-out) per source: [concept, background].</summary>
    public IReadOnlyDictionary<string, int[]> KeptBySource { get; }

    /// <summary>Word counts of the kept examples per class.</summary>
    public IReadOnlyList<LengthSummary> Words { get; }

    /// <summary>Token counts (with BOS) of the kept examples per class; null without a tokenizer.</summary>
    public IReadOnlyList<LengthSummary>? Tokens { get; }

    public int Dropped(DropReason reason, ExampleLabel label) => _dropped[(int)reason, (int)label];

    internal void Write(string path)
    {
        ArtefactJson.Write(path, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("format", "unlearn-example-stats");
            writer.WriteNumber("version", 1);
            WriteOptions(writer);
            writer.WriteStartArray("sources");
            foreach (var source in Sources)
            {
                writer.WriteStartObject();
                writer.WriteString("source", source.Source);
                writer.WriteString("kind", source.Kind);
                writer.WriteNumber("documents", source.Documents);
                writer.WriteNumber("candidates", source.Candidates);
                int[] found = CandidatesBySource.GetValueOrDefault(source.Source) ?? [0, 0];
                int[] kept = KeptBySource.GetValueOrDefault(source.Source) ?? [0, 0];
                writer.WriteNumber("candidates_concept", found[0]);
                writer.WriteNumber("candidates_background", found[1]);
                writer.WriteNumber("kept_concept", kept[0]);
                writer.WriteNumber("kept_background", kept[1]);
                writer.WriteStartObject("details");
                foreach (var (key, value) in source.Details)
                {
                    writer.WriteNumber(key, value);
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WritePerClass(writer, "candidates", CandidateCounts);
            writer.WriteStartObject("dropped");
            foreach (var reason in Enum.GetValues<DropReason>())
            {
                WritePerClass(writer, ReasonName(reason), [Dropped(reason, ExampleLabel.Concept), Dropped(reason, ExampleLabel.Background)]);
            }
            writer.WriteEndObject();
            WritePerClass(writer, "available", AvailableCounts);
            WritePerClass(writer, "training", TrainingCounts);
            WritePerClass(writer, "heldout", HeldOutCounts);
            writer.WriteStartObject("lengths");
            foreach (var label in Enum.GetValues<ExampleLabel>())
            {
                writer.WriteStartObject(ExampleLists.GroupName(label));
                WriteLength(writer, "words", Words[(int)label]);
                if (Tokens is not null)
                {
                    WriteLength(writer, "tokens", Tokens[(int)label]);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>The stats.json name of a drop reason, e.g. "too_many_tokens".</summary>
    public static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.Duplicate => "duplicate",
        DropReason.ConflictingLabel => "conflicting_label",
        DropReason.TooFewWords => "too_few_words",
        DropReason.TooManyWords => "too_many_words",
        DropReason.TooManyTokens => "too_many_tokens",
        _ => "surplus",
    };

    private void WriteOptions(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("options");
        WriteNullable(writer, "concept_count", Options.ConceptCount);
        WriteNullable(writer, "background_count", Options.BackgroundCount);
        writer.WriteNumber("heldout_fraction", Options.HeldOutFraction);
        writer.WriteNumber("min_words", Options.MinWords);
        writer.WriteNumber("max_words", Options.MaxWords);
        WriteNullable(writer, "max_tokens", Options.MaxTokens);
        writer.WriteNumber("seed", Options.Seed);
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is int v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WritePerClass(Utf8JsonWriter writer, string name, IReadOnlyList<int> counts)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("concept", counts[0]);
        writer.WriteNumber("background", counts[1]);
        writer.WriteEndObject();
    }

    private static void WriteLength(Utf8JsonWriter writer, string name, LengthSummary summary)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count", summary.Count);
        writer.WriteNumber("min", summary.Min);
        writer.WriteNumber("max", summary.Max);
        writer.WriteNumber("mean", summary.Mean);
        writer.WriteNumber("median", summary.Median);
        writer.WriteEndObject();
    }
}
