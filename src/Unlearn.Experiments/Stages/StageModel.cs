// How a stage opens the experiment's model: the folder's weights with the experiment's tokenizer (a separate
// tokenizer path when the YAML gives one) and chat format, and the conversions from schema choices to the
// runtime's types that several stages share. The backend is the experiment's settings.backend.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;
using RuntimeSite = Unlearn.Models.Hooks.SiteKind;

namespace Unlearn.Experiments.Stages;

internal static class StageModel
{
    /// <summary>The experiment's model on the backend its settings name (settings.backend, settings.device, settings.dtype).</summary>
    public static PretrainedModel Load(Graph.StageContext context) => Load(context.Config, context.Numerics);

    /// <inheritdoc cref="Load(Graph.StageContext)"/>
    public static PretrainedModel Load(ExperimentConfig config, Graph.NumericsEnvironment numerics) =>
        PretrainedModel.Load(config.Model.FullPath, new ModelLoadOptions { TokenizerPath = config.Tokenizer?.FullPath, Runtime = numerics.RuntimeFactory() });

    /// <summary>The experiment's model on the managed engine whatever the backend: for what works on managed weights
    /// (baking edits into files for Export).</summary>
    public static PretrainedModel LoadManaged(ExperimentConfig config) =>
        PretrainedModel.Load(config.Model.FullPath, new ModelLoadOptions { TokenizerPath = config.Tokenizer?.FullPath });

    /// <summary>The chat template the experiment asks for, with its chat_date: the YAML's choice, else the one
    /// recognised from the tokenizer (an error when the tokenizer's template is none that Unlearn renders).</summary>
    public static ChatTemplate Template(ExperimentConfig config, Tokenizer tokenizer) =>
        tokenizer.ResolveChatTemplate(config.ChatFormat switch
        {
            Schema.ChatFormat.Llama3 => Tokenizers.Chat.ChatFormat.Llama3,
            Schema.ChatFormat.Llama31 => Tokenizers.Chat.ChatFormat.Llama31,
            Schema.ChatFormat.Llama2 => Tokenizers.Chat.ChatFormat.Llama2,
            Schema.ChatFormat.ChatMl => Tokenizers.Chat.ChatFormat.ChatMl,
            Schema.ChatFormat.ChatMlPlain => Tokenizers.Chat.ChatFormat.ChatMlPlain,
            Schema.ChatFormat.Plain => Tokenizers.Chat.ChatFormat.Plain,
            _ => null,
        }, config.ChatDate);

    /// <summary>The key section of a stage that renders chat: its own section, chat_format, and chat_date when the
    /// rendering can depend on it (llama3.1, or auto, which may resolve to llama3.1). Other formats have no date, so
    /// changing chat_date reruns nothing for them.</summary>
    public static JsonObject ChatKeySection(ExperimentConfig config, string section) =>
        config.ChatFormat is Schema.ChatFormat.Llama31 or Schema.ChatFormat.Auto
            ? KeyJson.Of(config, section, "chat_format", "chat_date")
            : KeyJson.Of(config, section, "chat_format");

    /// <summary>The prompt as a user turn with the assistant's generation prompt, in the experiment's chat format.</summary>
    public static IReadOnlyList<int> ChatPrompt(ExperimentConfig config, Tokenizer tokenizer, string prompt) =>
        tokenizer.RenderChat([new ChatMessage("user", prompt)], addGenerationPrompt: true, Template(config, tokenizer)).Ids;

    /// <summary>The sampling settings of a generate section (examples.generate, repair.generate).</summary>
    public static SamplingSettings Sampling(GenerateConfig generate) => new()
    {
        Temperature = (float)generate.Temperature,
        TopK = generate.TopK,
        TopP = (float)generate.TopP,
        RepetitionPenalty = (float)generate.RepetitionPenalty,
    };

    /// <summary>The tokens an SAE never sees (it is trained without them) and its hooks leave alone: BOS, EOS, padding and
    /// every special token of the tokenizer.</summary>
    public static IReadOnlySet<int> SaeSkippedTokens(Tokenizer tokenizer) =>
        tokenizer.SpecialIds.Concat(new[] { tokenizer.BosId, tokenizer.EosId, tokenizer.PadId }.OfType<int>()).ToHashSet();

    public static RuntimeSite Site(HookSite site) => site switch
    {
        HookSite.Input => RuntimeSite.Input,
        HookSite.AttnOut => RuntimeSite.AttentionOutput,
        HookSite.MlpAct => RuntimeSite.MlpActivation,
        HookSite.MlpOut => RuntimeSite.MlpOutput,
        HookSite.Residual => RuntimeSite.Residual,
        _ => throw new ArgumentOutOfRangeException(nameof(site), site, null),
    };

    /// <summary>An external input file named by its content ("sha256:…", the digest in the stage's key) for artefacts
    /// that must not depend on where the repository lives (a path would differ between clones).</summary>
    public static string ContentLabel(Graph.StageContext context, string inputName, string fileLabel) =>
        "sha256:" + context.InputDigest(inputName, fileLabel);

    /// <summary>A per-purpose seed derived from the experiment seed, so two stages never share a random stream.</summary>
    public static ulong Seed(int experimentSeed, string purpose)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in purpose)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (ulong)(uint)experimentSeed ^ hash;
    }
}
