// How much model work each stage of an experiment does, in tokens, from its settings alone (no model, no run): the
// basis of `unlearn bench --estimate`, which divides it by measured throughput. Counts are upper bounds where the run
// stops early (a sample ends at a stop token, an example is shorter than max_words) and approximations where the text
// is not tokenised here (about 4 characters per token for English under Llama 3's and similar BPE vocabularies;
// 4/3 tokens per word). Saliency and PruneVocab run no model: their cost is not in tokens.
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Estimates;

/// <param name="Prefill">Tokens run through the model without sampling (prompts, scored text, cached activations).</param>
/// <param name="Decode">Tokens sampled one at a time with a KV cache.</param>
/// <param name="Train">Tokens of training sequences (one forward and one backward pass each, per epoch).</param>
/// <param name="Basis">How the counts were made, in words.</param>
/// <param name="DecodeBatch">Sequences sampled together (one weight read serves them all).</param>
public sealed record StageWork(string Stage, long Prefill, long Decode, long Train, string Basis, int DecodeBatch = 1);

public static class StageWorkload
{
    public const double CharactersPerToken = 4.0;
    public const double TokensPerWord = 4.0 / 3.0;

    /// <summary>FineTome-100k's row count, used when the repair dataset is not there to count.</summary>
    public const int FineTomeRows = 100_000;

    public static IReadOnlyList<StageWork> Of(ExperimentConfig config)
    {
        var work = new List<StageWork>();
        var examples = config.Examples;
        if (examples.Generate is { } generate)
        {
            work.Add(new StageWork("BuildExamples", generate.Count * (long)PromptTokens(generate.Prompts), generate.Count * (long)generate.MaxTokens, 0,
                $"{generate.Count} samples of up to {generate.MaxTokens} tokens", generate.BatchSize));
        }
        else
        {
            work.Add(new StageWork("BuildExamples", 0, 0, 0, "examples read from a file: no model"));
        }
        long exampleCount = examples.ConceptCount + (long)examples.BackgroundCount;
        int exampleTokens = (int)Math.Ceiling(examples.MaxWords * TokensPerWord) + 1;
        work.Add(new StageWork("CacheActivations", exampleCount * exampleTokens, 0, 0,
            $"{exampleCount} examples of up to {examples.MaxWords} words (≈ {exampleTokens} tokens)"));
        work.Add(new StageWork("Saliency", 0, 0, 0, "probe fit on cached activations: no model"));
        work.Add(new StageWork("PruneVocab", 0, 0, 0, "a pass over the vocabulary: no model"));
        if (config.Repair.Enabled)
        {
            long rows = config.Repair.Dataset is { } dataset && File.Exists(dataset.FullPath) ? File.ReadLines(dataset.FullPath).LongCount(l => l.Trim().Length > 0) : FineTomeRows;
            long steps = config.Repair.MaxSteps > 0 ? config.Repair.MaxSteps * (long)config.Repair.MicroBatchSize * config.Repair.GradientAccumulation : rows * config.Repair.Epochs;
            work.Add(new StageWork("Repair", 0, 0, steps * config.Repair.MaxLength,
                $"{steps} sequences of up to {config.Repair.MaxLength} tokens (dataset rows {(config.Repair.Dataset is { } d && File.Exists(d.FullPath) ? "counted" : $"assumed {FineTomeRows}")}; before the concept filter)"));
        }
        var evaluate = config.Evaluate;
        int variants = evaluate.Variants.Count;
        int prompts = evaluate.Prompts.Count > 0 ? evaluate.Prompts.Count
            : config.Concept.TestPrompts.Count > 0 ? config.Concept.TestPrompts.Count
            : config.Concept.Definition is { } definition ? JsonArrayCount(definition.FullPath, "test-prompts") : 0;
        int leakPrompts = 0;
        long scored = 0;
        if (evaluate.Data is { } data && Directory.Exists(data.FullPath))
        {
            leakPrompts = JsonArrayCount(Path.Combine(data.FullPath, "leak-probes.json"), "prompts");
            long characters = Directory.EnumerateFiles(data.FullPath, "*.jsonl").Sum(f => new FileInfo(f).Length);
            // Sliding windows run every token window/stride times; probes and choices are scored once.
            double windows = (double)evaluate.Perplexity.Window / evaluate.Perplexity.Stride;
            scored = (long)(characters / CharactersPerToken * Math.Max(1.0, windows));
        }
        long samples = (long)(prompts + leakPrompts) * evaluate.SamplesPerPrompt * evaluate.Seeds.Count;
        work.Add(new StageWork("Evaluate", variants * scored, variants * samples * evaluate.MaxNewTokens, 0,
            $"{variants} variants × ({samples} samples of up to {evaluate.MaxNewTokens} tokens + ≈ {scored} scored tokens)", evaluate.GenerationBatchSize));
        return work;
    }

    private static int PromptTokens(IReadOnlyList<string> prompts) =>
        prompts.Count == 0 ? 1 : (int)Math.Ceiling(prompts.Average(p => p.Length) / CharactersPerToken) + 30;

    // The length of a top-level array in a JSON file (leak prompts, a definition's test prompts); 0 when unreadable.
    private static int JsonArrayCount(string path, string field)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?[field]?.AsArray().Count ?? 0;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            return 0;
        }
    }
}
