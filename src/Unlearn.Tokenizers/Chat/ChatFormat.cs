// The chat formats Unlearn renders, the message type, and the result of rendering a conversation.
namespace Unlearn.Tokenizers.Chat;

public enum ChatFormat
{
    /// <summary>No chat markup: contents joined by newlines, BOS first, EOS after each assistant message.</summary>
    Plain,

    /// <summary>Llama 3.x: &lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;.</summary>
    Llama3,

    /// <summary>Llama 2 chat: &lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt;...&lt;&lt;/SYS&gt;&gt; user [/INST] answer &lt;/s&gt;.</summary>
    Llama2,

    /// <summary>ChatML (Qwen): &lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n.</summary>
    ChatMl,
}

/// <summary>One turn of a conversation. Roles: "system", "user", "assistant" (and "tool"/"ipython" where the
/// format has them).</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public static ChatMessage System(string content) => new("system", content);

    public static ChatMessage User(string content) => new("user", content);

    public static ChatMessage Assistant(string content) => new("assistant", content);
}

/// <summary>A run of tokens [Start, Start + Length).</summary>
public readonly record struct TokenSpan(int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>A rendered conversation: the text, its ids, and for each assistant message the token span of its
/// content up to and including the end-of-turn token (what response-only training computes the loss on).</summary>
public sealed class ChatRendering
{
    internal ChatRendering(string text, IReadOnlyList<int> ids, IReadOnlyList<TokenSpan> assistantSpans,
        IReadOnlyList<TokenOffset> assistantTextSpans)
    {
        Text = text;
        Ids = ids;
        AssistantSpans = assistantSpans;
        AssistantTextSpans = assistantTextSpans;
    }

    public string Text { get; }

    public IReadOnlyList<int> Ids { get; }

    public IReadOnlyList<TokenSpan> AssistantSpans { get; }

    /// <summary>The same spans as character ranges of <see cref="Text"/>.</summary>
    public IReadOnlyList<TokenOffset> AssistantTextSpans { get; }

    /// <summary>A 0/1 mask over <see cref="Ids"/>: 1 inside an assistant span.</summary>
    public bool[] AssistantMask()
    {
        var mask = new bool[Ids.Count];
        foreach (var span in AssistantSpans)
        {
            Array.Fill(mask, true, span.Start, span.Length);
        }
        return mask;
    }
}
