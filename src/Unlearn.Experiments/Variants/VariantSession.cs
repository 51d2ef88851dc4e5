// One variant of an experiment opened for generation (`unlearn generate --experiment NAME --variant V`): the
// experiment's model, the variant resolved from the current store entries exactly as Evaluate resolves it (edits,
// adapters and interventions through VariantResolver), prompts encoded as Evaluate encodes its concept prompts (the
// chat format when evaluate.use_chat_format is on, BOS first), and Evaluate's sampling settings as defaults.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Stages;
using Unlearn.Models.Runtime;
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;

namespace Unlearn.Experiments.Variants;

public sealed class VariantSession : IDisposable
{
    private VariantSession(ExperimentConfig config, PretrainedModel model, ResolvedVariant variant)
    {
        Config = config;
        Pretrained = model;
        Variant = variant;
    }

    public ExperimentConfig Config { get; }

    public PretrainedModel Pretrained { get; }

    public ResolvedVariant Variant { get; }

    /// <summary>The weights the variant runs on (its own copy where it has one).</summary>
    public IModelRuntime Model => Variant.Model ?? Pretrained.Runtime;

    /// <summary>Evaluate's sampling settings (evaluate.temperature, top_k, top_p).</summary>
    public SamplingSettings Sampling => new()
    {
        Temperature = (float)Config.Evaluate.Temperature,
        TopK = Config.Evaluate.TopK,
        TopP = (float)Config.Evaluate.TopP,
    };

    /// <summary>The prompt used when none is given: the first prompt Evaluate samples.</summary>
    public string DefaultPrompt => Config.Evaluate.Prompts.Count > 0 ? Config.Evaluate.Prompts[0] : Config.Concept.TestPrompts.FirstOrDefault() ?? "";

    /// <summary>Every variant name Evaluate knows, in the schema's order.</summary>
    public static IReadOnlyList<string> VariantNames => ExperimentSchema.ChoicesOf(typeof(EvaluationVariant)).Select(c => c.Name).ToArray();

    /// <exception cref="VariantException">An unknown variant name (with the known ones), or one the entries do not provide.</exception>
    /// <exception cref="StageEntryMissingException">A stage the variant needs has no current entry.</exception>
    public static VariantSession Open(ExperimentGraph graph, string variantName)
    {
        var variant = Parse(variantName);
        var model = StageModel.Load(graph.Config, graph.Numerics);
        try
        {
            return new VariantSession(graph.Config, model, Resolve(graph, variant, model.Runtime));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <exception cref="VariantException">The name is no variant; the message lists the variants.</exception>
    internal static EvaluationVariant Parse(string variantName)
    {
        var choice = ExperimentSchema.ChoicesOf(typeof(EvaluationVariant)).FirstOrDefault(c => c.Name == variantName)
            ?? throw new VariantException($"'{variantName}' is not a variant; variants: {string.Join(", ", VariantNames)}.");
        return (EvaluationVariant)choice.Value;
    }

    /// <summary>The variant resolved on <paramref name="model"/> from the stages' current entries, as Evaluate resolves it.</summary>
    /// <exception cref="VariantException">The entries do not provide the variant.</exception>
    /// <exception cref="StageEntryMissingException">A stage the variant needs has no current entry (the message names the build command).</exception>
    internal static ResolvedVariant Resolve(ExperimentGraph graph, EvaluationVariant variant, IModelRuntime model)
    {
        var entries = VariantResolver.StagesOf(variant).ToDictionary(s => s, graph.CurrentEntry, StringComparer.Ordinal);
        return VariantResolver.Resolve(variant, graph.Config, stage => entries[stage], model);
    }

    /// <summary>The ids the variant continues: as Evaluate encodes a concept prompt.</summary>
    public int[] Encode(string prompt) => Encode(Config, Pretrained.RequireTokenizer(), prompt);

    /// <summary>A prompt as Evaluate encodes a concept prompt: the chat format when evaluate.use_chat_format is on, BOS first.</summary>
    internal static int[] Encode(ExperimentConfig config, Unlearn.Tokenizers.Tokenizer tokenizer, string prompt)
    {
        var ids = (config.Evaluate.UseChatFormat ? StageModel.ChatPrompt(config, tokenizer, prompt) : tokenizer.Encode(prompt)).ToList();
        if (tokenizer.BosId is int bos && (ids.Count == 0 || ids[0] != bos))
        {
            ids.Insert(0, bos);
        }
        return [.. ids];
    }

    public void Dispose()
    {
        Variant.Dispose();
        Pretrained.Dispose();
    }
}
