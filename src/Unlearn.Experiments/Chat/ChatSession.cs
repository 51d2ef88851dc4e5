// The state behind `unlearn chat`: one experiment's model loaded once, the chosen variant and `base` resolved on it
// exactly as Evaluate resolves them (VariantSession), the toggle between the two, the conversation, and the decoding
// settings every reply uses whichever variant is active. It is not the terminal: reading keys and printing replies is
// the command's job (src/Unlearn.Cli/Commands/ChatCommand*.cs); this class never writes to the console.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Stages;
using Unlearn.Experiments.Variants;
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Experiments.Chat;

/// <summary>The decoding settings of a chat: the same for every reply and both sides of the toggle.</summary>
/// <param name="MaxNewTokens">New tokens per reply at most (also capped by the context left).</param>
/// <param name="Seed">The base seed S; a reply's seed is S + its turn index (<see cref="ChatSession.NextSeed"/>).</param>
public sealed record ChatSettings(SamplingSettings Sampling, int MaxNewTokens, ulong Seed);

public sealed partial class ChatSession : IDisposable
{
    /// <summary>The variant the toggle switches off to.</summary>
    public const string BaseVariant = "base";

    private readonly ExperimentGraph _graph;
    private readonly PretrainedModel _model;
    private readonly Tokenizer _tokenizer;
    private readonly ChatTemplate _template;
    private readonly Dictionary<string, ResolvedVariant> _resolved = new(StringComparer.Ordinal);

    private ChatSession(ExperimentGraph graph, PretrainedModel model, ChatSettings settings)
    {
        _graph = graph;
        _model = model;
        _tokenizer = model.RequireTokenizer();
        _template = StageModel.Template(graph.Config, _tokenizer);
        Settings = settings;
    }

    public ExperimentConfig Config => _graph.Config;

    public ChatSettings Settings { get; private set; }

    /// <summary>The variant the experiment's edits come from (what the toggle switches on).</summary>
    public string ChosenVariant { get; private set; } = BaseVariant;

    /// <summary>False after the toggle switched the edits off (the base model answers).</summary>
    public bool EditsOn { get; private set; } = true;

    /// <summary>The variant that answers the next message: the chosen one, or base with the edits off.</summary>
    public string ActiveVariant => EditsOn ? ChosenVariant : BaseVariant;

    /// <summary>What the active variant changes, as reports show it ("TrainSae + Saliency: …", "the unedited model").</summary>
    public string ActiveDescription => _resolved[ActiveVariant].Description;

    /// <summary>True when the experiment renders chat turns (a chat template): the conversation accumulates. False for
    /// plain text (a base model such as stories260K): every message is a fresh continuation.</summary>
    public bool IsConversation => _template.Format != Unlearn.Tokenizers.Chat.ChatFormat.Plain;

    /// <summary>The chat format the turns are rendered in ("llama3.1", "chatml", …; "plain" for continuation).</summary>
    public string FormatName => _template.Name;

    /// <summary>The model's context length (positions).</summary>
    public int MaxPositions => _model.Runtime.Shape.MaxPositions;

    /// <summary>Opens the experiment's model and resolves <paramref name="variantName"/> and base on it.</summary>
    /// <exception cref="VariantException">An unknown variant (the message lists them), or one the entries do not provide.</exception>
    /// <exception cref="StageEntryMissingException">A stage the variant needs is not built (the message names the build command).</exception>
    /// <exception cref="Unlearn.Tokenizers.TokenizerFormatException">chat_format auto and a chat template Unlearn does not render.</exception>
    public static ChatSession Open(ExperimentGraph graph, string variantName, ChatSettings settings)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Sampling.Validate();
        _ = VariantSession.Parse(variantName); // an unknown name is refused before the model loads
        var model = StageModel.Load(graph.Config, graph.Numerics);
        ChatSession? session = null;
        try
        {
            session = new ChatSession(graph, model, settings);
            session.Resolve(BaseVariant);
            session.Resolve(variantName);
            session.ChosenVariant = variantName;
            return session;
        }
        catch
        {
            if (session is null)
            {
                model.Dispose();
            }
            else
            {
                session.Dispose();
            }
            throw;
        }
    }

    /// <summary>Switches the edits off (base answers) or back on; false when there is nothing to toggle (the chosen
    /// variant is base itself).</summary>
    public bool Toggle()
    {
        if (ChosenVariant == BaseVariant)
        {
            return false;
        }
        EditsOn = !EditsOn;
        return true;
    }

    /// <summary>Makes <paramref name="variantName"/> the chosen variant with its edits on. The conversation is kept.</summary>
    /// <exception cref="VariantException">An unknown variant (the message lists them), or one the entries do not provide.</exception>
    /// <exception cref="StageEntryMissingException">A stage it needs is not built (the message names the build command).</exception>
    public void SwitchTo(string variantName)
    {
        Resolve(variantName);
        ChosenVariant = variantName;
        EditsOn = true;
    }

    /// <summary>Sets the base seed S (replies then use S + turn index).</summary>
    public void Reseed(ulong seed) => Settings = Settings with { Seed = seed };

    private ResolvedVariant Resolve(string variantName)
    {
        if (!_resolved.TryGetValue(variantName, out var resolved))
        {
            resolved = VariantSession.Resolve(_graph, VariantSession.Parse(variantName), _model.Runtime);
            _resolved[variantName] = resolved;
        }
        return resolved;
    }

    public void Dispose()
    {
        foreach (var resolved in _resolved.Values)
        {
            resolved.Dispose();
        }
        _resolved.Clear();
        _model.Dispose();
    }
}
