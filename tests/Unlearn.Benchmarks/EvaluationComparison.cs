// "compare evaluate": the Evaluate stage's cost and its teacher-forced numbers against PyTorch, on the bundled
// model and data/play:
//  - a full evaluation with four variants — base, pruned (5 random o_proj/down_proj rows of the last 4 layers,
//    the 0.0085 budget: a stand-in for the saliency selection, for timing only), hybrid (pruned + −∞ logit mask and
//    zeroed embedding on the concept's token set), hybrid+repair (hybrid + a rank-4 LoRA on every projection) —
//    with wall and CPU time per variant and phase; target: the whole run well under 60 s on 2 cores;
//  - the base model's perplexity, concept log-prob and multiple-choice accuracy recomputed by
//    tests/reference/eval_reference.py (plain PyTorch, the same token ids) beside ours, with the scoring time.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare evaluate [--model DIR] [--data DIR] [--gemm managed|openblas] [--no-python]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Unlearn.Evaluation;
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Evaluation.Scoring;
using Unlearn.Models;
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Benchmarks;

public sealed class EvaluationComparison : ISideBySide
{
    private static readonly string[] Terms = ["play", "plays", "played", "playing"];

    public string Name => "evaluate";

    public string Description => "Evaluate on stories260K + data/play, 4 variants: time per phase; base metrics vs PyTorch";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        string modelFolder = Option(arguments, "--model", "models/stories260K");
        string dataFolder = Option(arguments, "--data", "data/play");
        string conceptDefinition = Option(arguments, "--concept", "data/play-concept-def.json");
        var gemm = Gemm.Create(Option(arguments, "--gemm", "managed"));
        bool python = !arguments.Contains("--no-python");

        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        using var model = PretrainedModel.Load(modelFolder, new ModelLoadOptions { Gemm = gemm });
        var data = EvaluationDataFolder.Load(dataFolder, conceptDefinition);
        var concept = new ConceptSpec(Terms, ConceptTokens(model));
        var settings = new EvaluationSettings();
        var variants = Variants(model, concept);
        var result = Evaluator.For(model, settings).Evaluate(data, concept, variants);
        wall.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;

        output.WriteLine($"Evaluate on {modelFolder} with {dataFolder}: {variants.Count} variants, gemm {gemm.Name}, {Environment.ProcessorCount} cores");
        output.WriteLine($"{"variant",-15} {"phase",-12} {"wall s",8} {"cpu s",8}");
        foreach (var t in result.Timings)
        {
            output.WriteLine($"{t.Variant,-15} {t.Phase,-12} {t.Elapsed.TotalSeconds,8:F2} {t.Cpu.TotalSeconds,8:F2}");
        }
        output.WriteLine($"{"total (load + evaluate + bootstrap)",-28} {wall.Elapsed.TotalSeconds,8:F2} {cpu.TotalSeconds,8:F2}   target: wall < 60 s");
        foreach (var line in SummaryLine.All(result.Metrics))
        {
            output.WriteLine(line);
        }
        bool ok = wall.Elapsed.TotalSeconds < 60;
        if (python)
        {
            ok &= CompareWithPyTorch(model, data, settings, result, output);
        }
        return ok ? 0 : 1;
    }

    // The ids our scorer reads for the base model, handed to PyTorch; the metrics it computes are set beside ours.
    private static bool CompareWithPyTorch(PretrainedModel model, EvaluationData data, EvaluationSettings settings, EvaluationResult result, TextWriter output)
    {
        var tokenizer = model.RequireTokenizer();
        var plan = PerplexityPlan.Build(tokenizer, data.BackgroundDocuments, settings.PerplexityWindow, settings.PerplexityStride, model.Model.Shape.MaxPositions);
        var probes = data.ConceptProbes.Select((p, i) => JointEncoding.Encode(tokenizer, p.Prompt, p.Continuation, $"concept probes[{i}]")).ToList();
        var questions = data.MultipleChoice.Select((q, i) => q.Choices.Select((c, j) => JointEncoding.Encode(tokenizer, q.Context, c, $"multiple choice[{i}] choice {j}")).ToList()).ToList();

        // Our scoring of exactly these items, timed alone.
        var items = plan.Windows.Concat(probes.Select(p => p.ToScoringItem())).Concat(questions.SelectMany(q => q).Select(p => p.ToScoringItem())).ToList();
        var clock = Stopwatch.StartNew();
        new SequenceScorer(model.Runtime, settings.ScoringBatchRows).Score(items, ForwardOptions.Default);
        double ourSeconds = clock.Elapsed.TotalSeconds;

        string input = Path.Combine(Path.GetTempPath(), $"unlearn-eval-reference-{Environment.ProcessId}.json");
        using (var stream = File.Create(input))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("folder", model.Folder);
            w.WriteNumber("floor", settings.LogProbFloor);
            if (tokenizer.BosId is int bos)
            {
                w.WriteNumber("bos", bos);
            }
            w.WriteStartArray("background");
            foreach (var window in plan.Windows)
            {
                w.WriteStartObject();
                WriteIds(w, window.Ids);
                w.WriteNumber("first_row", window.FirstRow);
                w.WriteNumber("row_count", window.RowCount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("concept_probes");
            foreach (var pair in probes)
            {
                WritePair(w, pair, null);
            }
            w.WriteEndArray();
            w.WriteStartArray("multiple_choice");
            for (int q = 0; q < questions.Count; q++)
            {
                w.WriteStartObject();
                w.WriteNumber("answer", data.MultipleChoice[q].Answer);
                w.WriteStartArray("choices");
                for (int c = 0; c < questions[q].Count; c++)
                {
                    WritePair(w, questions[q][c], System.Text.Encoding.UTF8.GetByteCount(data.MultipleChoice[q].Choices[c]));
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var torch = PythonReference.Run("eval_reference.py", [input, "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)], out string why);
        File.Delete(input);
        if (torch is not { } t)
        {
            output.WriteLine($"PyTorch reference skipped: {why}");
            return true;
        }
        output.WriteLine();
        output.WriteLine($"Base model, same token ids, ours vs PyTorch {t.GetProperty("torch").GetString()} ({t.GetProperty("threads").GetInt32()} threads):");
        output.WriteLine($"{"metric",-18} {"ours",14} {"pytorch",14} {"abs diff",10}");
        bool ok = true;
        foreach (var (metric, tolerance) in new[] { (MetricNames.Perplexity, 1e-3), (MetricNames.ConceptLogProb, 1e-4), (MetricNames.McAccuracy, 0.0), (MetricNames.McAccuracyNormalized, 0.0) })
        {
            double ours = result.Metrics.Get("base", metric).Value!.Value;
            double theirs = t.GetProperty(metric).GetDouble();
            double diff = Math.Abs(ours - theirs);
            ok &= diff <= tolerance;
            output.WriteLine($"{metric,-18} {ours,14:F6} {theirs,14:F6} {diff,10:E2}{(diff <= tolerance ? "" : "  MISMATCH")}");
        }
        output.WriteLine($"{"scoring seconds",-18} {ourSeconds,14:F2} {t.GetProperty("seconds").GetDouble(),14:F2}   ({items.Count} sequences; ours batched, PyTorch one at a time)");
        return ok;
    }

    private static void WritePair(Utf8JsonWriter w, EncodedPair pair, int? bytes)
    {
        w.WriteStartObject();
        WriteIds(w, pair.Ids);
        w.WriteNumber("start", pair.ContinuationStart);
        if (bytes is int b)
        {
            w.WriteNumber("bytes", b);
        }
        w.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter w, int[] ids)
    {
        w.WriteStartArray("ids");
        foreach (int id in ids)
        {
            w.WriteNumberValue(id);
        }
        w.WriteEndArray();
    }

    // PruneVocab's `match: word` rule: vocabulary entries whose text, without the leading-space marker and
    // lower-cased, is a term; never special tokens.
    private static int[] ConceptTokens(PretrainedModel model)
    {
        var tokenizer = model.RequireTokenizer();
        var ids = new List<int>();
        for (int id = 0; id < tokenizer.VocabSize; id++)
        {
            string? token = tokenizer.IdToToken(id);
            if (token is null || tokenizer.IsSpecial(id))
            {
                continue;
            }
            string text = token.TrimStart('▁', 'Ġ').ToLowerInvariant();
            if (Terms.Contains(text))
            {
                ids.Add(id);
            }
        }
        return [.. ids];
    }

    private static List<EvaluationVariant> Variants(PretrainedModel model, ConceptSpec concept)
    {
        var shape = model.Model.Shape;
        var random = new SeededRandom(2024);
        var candidates = new List<(string Weight, int Row)>();
        for (int layer = shape.LayerCount - 4; layer < shape.LayerCount; layer++)
        {
            foreach (var projection in new[] { Projection.Output, Projection.Down })
            {
                candidates.AddRange(Enumerable.Range(0, shape.HiddenSize).Select(r => (WeightNames.Weight(layer, projection), r)));
            }
        }
        int budget = (int)Math.Ceiling(0.0085 * candidates.Count);
        var chosen = new HashSet<(string, int)>();
        while (chosen.Count < budget)
        {
            chosen.Add(candidates[random.NextInt(candidates.Count)]);
        }
        var rows = chosen.GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => g.Select(c => c.Item2).ToArray());
        var pruned = new ModelEdits(rows, [], []);
        var hybrid = pruned.Combine(new ModelEdits(new Dictionary<string, int[]>(), concept.TokenIds, concept.TokenIds));
        var adapters = new Dictionary<string, LoraAdapter>();
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            foreach (var projection in WeightNames.All)
            {
                var module = WeightNames.Module(layer, projection);
                var (inFeatures, outFeatures) = Features(shape, projection);
                var adapter = LoraAdapter.Create($"{module}.lora_A.weight", $"{module}.lora_B.weight", inFeatures, outFeatures, rank: 4, alpha: 4, random);
                for (int i = 0; i < adapter.B.Length; i++)
                {
                    adapter.B.Value[i] = (float)((random.NextDouble() - 0.5) * 0.02);
                }
                adapters[module] = adapter;
            }
        }
        return
        [
            new("base", ForwardOptions.Default),
            new("pruned", new ForwardOptions { Edits = pruned }),
            new("hybrid", new ForwardOptions { Edits = hybrid }),
            new("hybrid+repair", new ForwardOptions { Edits = hybrid, Adapters = adapters }),
        ];
    }

    private static (int In, int Out) Features(TransformerShape shape, Projection projection) => projection switch
    {
        Projection.Query => (shape.HiddenSize, shape.QueryWidth),
        Projection.Key or Projection.Value => (shape.HiddenSize, shape.KvWidth),
        Projection.Output => (shape.QueryWidth, shape.HiddenSize),
        Projection.Gate or Projection.Up => (shape.HiddenSize, shape.IntermediateSize),
        _ => (shape.IntermediateSize, shape.HiddenSize),
    };

    private static string Option(IReadOnlyList<string> arguments, string name, string fallback)
    {
        int i = arguments.ToList().IndexOf(name);
        return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
    }
}
