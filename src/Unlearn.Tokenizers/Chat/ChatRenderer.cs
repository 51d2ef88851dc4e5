// Renders a conversation to text in one chat format, remembering where each assistant message's content and
// end-of-turn marker lie. The strings follow the real Jinja templates: Llama 3 (and 3.1+ with the knowledge
// cut-off header), Llama 2 chat, ChatML as Qwen2.5 writes it. Roles a format cannot express are refused.
using System.Text;

namespace Unlearn.Tokenizers.Chat;

internal static class ChatRenderer
{
    public const string Llama3Header = "<|start_header_id|>";
    public const string Llama3HeaderEnd = "<|end_header_id|>";
    public const string Llama3EndOfTurn = "<|eot_id|>";
    public const string ChatMlStart = "<|im_start|>";
    public const string ChatMlEnd = "<|im_end|>";

    /// <summary>The rendered text and the [start, end) char ranges of assistant content + end-of-turn marker.</summary>
    public static (string Text, List<TokenOffset> AssistantRanges) Render(ChatTemplate template,
        IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string? bos, string? eos)
    {
        var output = new Output();
        switch (template.Format)
        {
            case ChatFormat.Llama3:
                RenderLlama3(template, messages, addGenerationPrompt, bos, output);
                break;
            case ChatFormat.Llama2:
                RenderLlama2(messages, bos, eos, output);
                break;
            case ChatFormat.ChatMl:
                RenderChatMl(template, messages, addGenerationPrompt, output);
                break;
            default:
                RenderPlain(messages, bos, eos, output);
                break;
        }
        return (output.Text.ToString(), output.Ranges);
    }

    private static void RenderLlama3(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        string? bos, Output output)
    {
        // Llama 3.1+ templates always start with bos_token; the 3.0 template puts it before the first message.
        if (template.KnowledgeCutoffHeader || messages.Count > 0)
        {
            output.Append(bos);
        }
        var rest = messages.AsEnumerable();
        if (template.KnowledgeCutoffHeader)
        {
            var system = messages.Count > 0 && messages[0].Role == "system" ? PythonStrip(messages[0].Content) : "";
            if (messages.Count > 0 && messages[0].Role == "system")
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
            // Only the 3.1+ template renders tool outputs under the "ipython" header; 3.0 writes any role as given.
            var toolOutput = template.KnowledgeCutoffHeader && (message.Role is "tool" or "ipython");
            output.Append($"{Llama3Header}{(toolOutput ? "ipython" : message.Role)}{Llama3HeaderEnd}\n\n");
            // Tool outputs are not trimmed by the template; everything else is.
            var content = toolOutput ? message.Content : PythonStrip(message.Content);
            output.Append(content + Llama3EndOfTurn, assistant: message.Role == "assistant");
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
                throw new ArgumentException(
                    "Llama 2 chat needs roles that alternate user/assistant/user/... after an optional first system message.",
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
        else if (template.DefaultSystemPrompt is { } prompt)
        {
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
                    throw new ArgumentException($"ChatML has no rendering for the role '{message.Role}'.", nameof(messages));
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
