// The chat formats Unlearn renders (each named after the template it reproduces), their names, the message type,
// and the result of rendering a conversation.
namespace Unlearn.Tokenizers.Chat;

/// <summary>A chat layout, rendered exactly as the named model family's Jinja template renders it (docs/tokenizers.md
/// lists the roles each supports; tool calling is not rendered).</summary>
public enum ChatFormat
{
    /// <summary>"plain": no chat markup: contents joined by newlines, BOS first, EOS after each assistant message.</summary>
    Plain,

    /// <summary>"llama3": Meta-Llama-3-*-Instruct (3.0): BOS before the first message, then
    /// &lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n + trimmed content + &lt;|eot_id|&gt; per message.</summary>
    Llama3,

    /// <summary>"llama3.1": Llama 3.1 / 3.2 / 3.3 Instruct: always BOS and a system block starting
    /// "Cutting Knowledge Date: December 2023\nToday Date: DATE\n\n" (also without a system message), then the
    /// Llama 3 turns with trimmed contents.</summary>
    Llama31,

    /// <summary>"llama2": Llama 2 chat: &lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt;...&lt;&lt;/SYS&gt;&gt; user [/INST] answer &lt;/s&gt;.</summary>
    Llama2,

    /// <summary>"chatml": ChatML as Qwen2.5 writes it: &lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n, with the
    /// default system prompt ("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.") when the
    /// conversation has none.</summary>
    ChatMl,

    /// <summary>"chatml-plain": ChatML without a default system prompt (e.g. OpenHermes-2.5).</summary>
    ChatMlPlain,
}

/// <summary>The names of the chat formats, as the experiment schema and the command line spell them.</summary>
public static class ChatFormats
{
    private static readonly (ChatFormat Format, string Name)[] Table =
    [
        (ChatFormat.Plain, "plain"),
        (ChatFormat.Llama3, "llama3"),
        (ChatFormat.Llama31, "llama3.1"),
        (ChatFormat.Llama2, "llama2"),
        (ChatFormat.ChatMl, "chatml"),
        (ChatFormat.ChatMlPlain, "chatml-plain"),
    ];

    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    public static string Name(this ChatFormat format) =>
        Table.First(t => t.Format == format).Name;

    public static bool TryParse(string name, out ChatFormat format)
    {
        foreach (var (candidate, candidateName) in Table)
        {
            if (string.Equals(candidateName, name, StringComparison.Ordinal))
            {
                format = candidate;
                return true;
            }
        }
        format = default;
        return false;
    }
}

/// <summary>One turn of a conversation. Roles: "system", "user", "assistant", and "tool" in the chatml format
/// (Qwen2.5's &lt;tool_response&gt; turns).</summary>
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
