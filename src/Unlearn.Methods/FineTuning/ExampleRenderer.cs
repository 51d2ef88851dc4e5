// Renders conversations with a model's chat format and derives response-only labels: the loss covers exactly the
// tokens of assistant turns, end-of-turn token included (label of position t is id t + 1 when token t + 1 lies in an
// assistant span). Sequences longer than the maximum length are cut at the end (and counted); a conversation left
// with no assistant token to predict is dropped (and counted). A continuation (IsContinuation) in the plain format is
// rendered as BOS + prompt + continuation (+ its end token), the way it was sampled; chat formats render every
// conversation through Tokenizer.RenderChat.
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.FineTuning;

public sealed record RenderSettings
{
    /// <summary>Default maximum sequence length in tokens (METHODS.md repair defaults).</summary>
    public const int DefaultMaxLength = 1024;

    /// <summary>The chat format; null uses the one recognised from the tokenizer's config (plain when it has none).</summary>
    public ChatTemplate? Template { get; init; }

    public int MaxLength { get; init; } = DefaultMaxLength;
}

/// <summary>The rendered examples and what rendering dropped or cut.</summary>
public sealed record RenderResult(IReadOnlyList<TrainingExample> Examples, int Truncated, int DroppedWithoutLabels)
{
    public long TokenCount => Examples.Sum(e => (long)e.Length);

    public long LabelCount => Examples.Sum(e => (long)e.LabelCount);
}

public static class ExampleRenderer
{
    public static RenderResult RenderAll(IEnumerable<Conversation> conversations, Tokenizer tokenizer, RenderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(tokenizer);
        settings ??= new RenderSettings();
        if (settings.MaxLength < 2)
        {
            throw new FineTuningException($"max_length must be at least 2 tokens (got {settings.MaxLength}).");
        }
        var template = settings.Template ?? tokenizer.ResolveChatTemplate();
        var examples = new List<TrainingExample>();
        int truncated = 0, dropped = 0;
        foreach (var conversation in conversations)
        {
            var example = Render(conversation, tokenizer, template, settings.MaxLength, out bool wasTruncated);
            truncated += wasTruncated ? 1 : 0;
            if (example.LabelCount == 0)
            {
                dropped++;
                continue;
            }
            examples.Add(example);
        }
        return new RenderResult(examples, truncated, dropped);
    }

    /// <summary>One conversation's ids and labels, cut to <paramref name="maxLength"/> tokens.</summary>
    public static TrainingExample Render(Conversation conversation, Tokenizer tokenizer, ChatTemplate template, int maxLength, out bool truncated)
    {
        var (ids, assistant) = Tokenize(conversation, tokenizer, template);
        truncated = ids.Length > maxLength;
        if (truncated)
        {
            ids = ids[..maxLength];
            assistant = assistant[..maxLength];
        }
        return new TrainingExample(conversation.Source, conversation.Kind, ids, Labels(ids, assistant));
    }

    /// <summary>The full token ids of a conversation and, per token, whether it belongs to an assistant span.</summary>
    public static (int[] Ids, bool[] AssistantMask) Tokenize(Conversation conversation, Tokenizer tokenizer, ChatTemplate template)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.IsContinuation && template.Format == ChatFormat.Plain)
        {
            return TokenizeContinuation(conversation, tokenizer);
        }
        ChatRendering rendering;
        try
        {
            rendering = tokenizer.RenderChat(conversation.Messages, addGenerationPrompt: false, template);
        }
        catch (ArgumentException e)
        {
            throw new FineTuningException($"Example '{conversation.Source}' cannot be rendered in the {template.Name} chat format: {e.Message} Fix or remove that row.", e);
        }
        return ([.. rendering.Ids], rendering.AssistantMask());
    }

    /// <summary>label[t] = ids[t + 1] where token t + 1 is an assistant token, else <see cref="TrainingExample.Ignored"/>.</summary>
    public static int[] Labels(IReadOnlyList<int> ids, IReadOnlyList<bool> assistantMask)
    {
        if (ids.Count != assistantMask.Count)
        {
            throw new ArgumentException($"{ids.Count} ids but {assistantMask.Count} mask entries.");
        }
        var labels = new int[ids.Count];
        for (int t = 0; t < ids.Count; t++)
        {
            labels[t] = t + 1 < ids.Count && assistantMask[t + 1] ? ids[t + 1] : TrainingExample.Ignored;
        }
        return labels;
    }

    private static (int[] Ids, bool[] AssistantMask) TokenizeContinuation(Conversation conversation, Tokenizer tokenizer)
    {
        var messages = conversation.Messages;
        if (messages.Count != 2 || messages[0].Role != "user" || messages[1].Role != "assistant")
        {
            throw new FineTuningException($"Example '{conversation.Source}' is marked as a continuation, which needs exactly a user turn (the prompt) and an assistant turn (its continuation).");
        }
        string bos = tokenizer.BosToken ?? "";
        string text = bos + messages[0].Content + messages[1].Content;
        int continuationStart = bos.Length + messages[0].Content.Length;
        var encoded = tokenizer.EncodeWithOffsets(text, addSpecialTokens: false, parseSpecialTokens: true);
        int count = encoded.Count + (conversation.EndTokenId is null ? 0 : 1);
        var ids = new int[count];
        var mask = new bool[count];
        for (int i = 0; i < encoded.Count; i++)
        {
            ids[i] = encoded.Ids[i];
            mask[i] = encoded.Offsets[i].End > continuationStart;
        }
        if (conversation.EndTokenId is int end)
        {
            ids[^1] = end;
            mask[^1] = true;
        }
        return (ids, mask);
    }
}
