// Renders a conversation to text in one chat format, remembering where each assistant message's content and
// end-of-turn marker lie. The strings follow the real Jinja templates (goldens in
// tests/Unlearn.Tokenizers.Tests/Data/chat-templates): Llama 3.0, Llama 3.1/3.2/3.3 (knowledge cut-off header),
// Llama 2 chat, ChatML as Qwen2.5 writes it, plain ChatML. Input a template would render differently from what a
// model was trained on, or would fail on, is refused with an ArgumentException: roles a format has no turn for
// (tool calling is not rendered), an empty conversation where the template reads messages[0].
using System.Text;

namespace Unlearn.Tokenizers.Chat;

internal static class ChatRenderer
{
    public const string Llama3Header = "<|start_header_id|>";
    public const string Llama3HeaderEnd = "<|end_header_id|>";
    public const string Llama3EndOfTurn = "<|eot_id|>";
    public const string ChatMlStart = "<|im_start|>";
    public const string ChatMlEnd = "<|im_end|>";

    private static readonly string[] ChatRoles = ["system", "user", "assistant"];
    private static readonly string[] QwenRoles = ["system", "user", "assistant", "tool"];

    /// <summary>The rendered text and the [start, end) char ranges of assistant content + end-of-turn marker.</summary>
    public static (string Text, List<TokenOffset> AssistantRanges) Render(ChatTemplate template,
        IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string? bos, string? eos)
    {
        Validate(template, messages);
        var output = new Output();
        switch (template.Format)
        {
            case ChatFormat.Llama3:
            case ChatFormat.Llama31:
                RenderLlama3(template, messages, addGenerationPrompt, bos, output);
                break;
            case ChatFormat.Llama2:
                RenderLlama2(messages, bos, eos, output);
                break;
            case ChatFormat.ChatMl:
            case ChatFormat.ChatMlPlain:
                RenderChatMl(template, messages, addGenerationPrompt, output);
                break;
            default:
                RenderPlain(messages, bos, eos, output);
                break;
        }
        return (output.Text.ToString(), output.Ranges);
    }

    /// <summary>The roles each format renders, and the templates that read messages[0] (transformers fails on an
    /// empty conversation there).</summary>
    private static void Validate(ChatTemplate template, IReadOnlyList<ChatMessage> messages)
    {
        var roles = template.Format == ChatFormat.ChatMl ? QwenRoles : ChatRoles;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"message {i} is null.", nameof(messages));
            if (message.Role is null || message.Content is null)
            {
                throw new ArgumentException($"message {i} has no {(message.Role is null ? "role" : "content")}.", nameof(messages));
            }
            if (!roles.Contains(message.Role, StringComparer.Ordinal))
            {
                var toolNote = message.Role is "tool" or "ipython" ? " (tool calling is rendered only by chatml, Qwen2.5's tool responses)" : "";
                throw new ArgumentException(
                    $"message {i} has the role '{message.Role}', which the {template.Name} chat format does not render{toolNote}; roles: {string.Join(", ", roles)}.",
                    nameof(messages));
            }
        }
        if (template.UsesDate && !ChatTemplate.IsValidDate(template.DateString))
        {
            throw new ArgumentException(ChatTemplate.DateProblem(template.DateString), nameof(template));
        }
        if (messages.Count == 0 && template.Format is ChatFormat.Llama31 or ChatFormat.ChatMl or ChatFormat.Llama2)
        {
            throw new ArgumentException(
                $"the conversation has no message; the {template.Name} template reads the first message and fails without one.", nameof(messages));
        }
    }

    private static void RenderLlama3(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        string? bos, Output output)
    {
        var cutoffHeader = template.Format == ChatFormat.Llama31;
        // Llama 3.1+ templates always start with bos_token; the 3.0 template puts it before the first message.
        if (cutoffHeader || messages.Count > 0)
        {
            output.Append(bos);
        }
        var rest = messages.AsEnumerable();
        if (cutoffHeader)
        {
            var system = messages[0].Role == "system" ? PythonStrip(messages[0].Content) : "";
            if (messages[0].Role == "system")
            {
                rest = messages.Skip(1);
            }
            output.Append($"{Llama3Header}system{Llama3HeaderEnd}\n\n");
            output.Append("Cutting Knowledge Date: December 2023\n");
            output.Append($"Today Date: {template.DateString}\n\n");
            output.Append(system);
            output.Append(Llama3EndOfTurn);
        }
        foreach (var message in rest)
        {
            output.Append($"{Llama3Header}{message.Role}{Llama3HeaderEnd}\n\n");
            output.Append(PythonStrip(message.Content) + Llama3EndOfTurn, assistant: message.Role == "assistant");
        }
        if (addGenerationPrompt)
        {
            output.Append($"{Llama3Header}assistant{Llama3HeaderEnd}\n\n");
        }
    }

    private static void RenderLlama2(IReadOnlyList<ChatMessage> messages, string? bos, string? eos, Output output)
    {
        var system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content : null;
        var loop = system is null ? messages : messages.Skip(1).ToList();
        for (var i = 0; i < loop.Count; i++)
        {
            var message = loop[i];
            if (message.Role is not ("user" or "assistant") || (message.Role == "user") != (i % 2 == 0))
            {
                // The template raises for a broken alternation and silently drops a later system message; both refused.
                var index = system is null ? i : i + 1;
                throw new ArgumentException(
                    $"message {index} has the role '{message.Role}': Llama 2 chat needs roles that alternate user/assistant/user/... after an optional first system message.",
                    nameof(messages));
            }
            var content = i == 0 && system is not null
                ? $"<<SYS>>\n{system}\n<</SYS>>\n\n{message.Content}"
                : message.Content;
            if (message.Role == "user")
            {
                output.Append($"{bos}[INST] {PythonStrip(content)} [/INST]");
            }
            else
            {
                output.Append($" {PythonStrip(content)} {eos}", assistant: true);
            }
        }
    }

    private static void RenderChatMl(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        Output output)
    {
        if (messages.Count > 0 && messages[0].Role == "system")
        {
            output.Append($"{ChatMlStart}system\n{messages[0].Content}{ChatMlEnd}\n");
        }
        else if (template.Format == ChatFormat.ChatMl)
        {
            var prompt = template.DefaultSystemPrompt ?? ChatTemplate.QwenSystemPrompt;
            output.Append($"{ChatMlStart}system\n{prompt}{ChatMlEnd}\n");
        }
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            switch (message.Role)
            {
                case "system" when i == 0:
                    break;
                case "user" or "system":
                    output.Append($"{ChatMlStart}{message.Role}\n{message.Content}{ChatMlEnd}\n");
                    break;
                case "assistant":
                    output.Append($"{ChatMlStart}assistant\n");
                    output.Append(message.Content + ChatMlEnd, assistant: true);
                    output.Append("\n");
                    break;
                case "tool":
                    if (i == 0 || messages[i - 1].Role != "tool")
                    {
                        output.Append($"{ChatMlStart}user");
                    }
                    output.Append($"\n<tool_response>\n{message.Content}\n</tool_response>");
                    if (i == messages.Count - 1 || messages[i + 1].Role != "tool")
                    {
                        output.Append($"{ChatMlEnd}\n");
                    }
                    break;
                default:
                    throw new InvalidOperationException($"role '{message.Role}' passed validation but has no rendering.");
            }
        }
        if (addGenerationPrompt)
        {
            output.Append($"{ChatMlStart}assistant\n");
        }
    }

    private static void RenderPlain(IReadOnlyList<ChatMessage> messages, string? bos, string? eos, Output output)
    {
        output.Append(bos);
        for (var i = 0; i < messages.Count; i++)
        {
            if (i > 0)
            {
                output.Append("\n");
            }
            var message = messages[i];
            output.Append(message.Role == "assistant" ? message.Content + eos : message.Content,
                assistant: message.Role == "assistant");
        }
    }

    /// <summary>Python's str.strip(): Jinja's trim filter and the templates' .strip() use Python's whitespace set.</summary>
    internal static string PythonStrip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && IsPythonWhiteSpace(text[end - 1]))
        {
            end--;
        }
        return text[start..end];
    }

    private static bool IsPythonWhiteSpace(char c) =>
        c is >= '\t' and <= '\r' or >= '\x1C' and <= ' ' or '\x85' or '\xA0' or '\u1680' or >= '\u2000' and <= '\u200A'
            or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000';

    private sealed class Output
    {
        public StringBuilder Text { get; } = new();

        public List<TokenOffset> Ranges { get; } = [];

        public void Append(string? text, bool assistant = false)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }
            if (assistant)
            {
                Ranges.Add(new TokenOffset(Text.Length, Text.Length + text.Length));
            }
            Text.Append(text);
        }
    }
}
