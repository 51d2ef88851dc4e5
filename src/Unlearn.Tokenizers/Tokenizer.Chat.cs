// Tokenizer, chat: renders a conversation in the tokenizer's chat format (or one given) and tokenizes it once,
// as transformers' apply_chat_template(tokenize=True) does (specials in the text are parsed, nothing is added),
// then maps each assistant message to the tokens that overlap its content and end-of-turn marker.
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    /// <summary>The chat template recognised from the config (Plain when it has none or one that is not recognised;
    /// <see cref="ResolveChatTemplate"/> tells the two apart).</summary>
    public ChatTemplate DetectedChatTemplate => ChatTemplate.Detect(ChatTemplateSource);

    /// <summary>The template to render with: <paramref name="format"/> when given, else the one recognised from the
    /// config (Plain for a tokenizer without a chat template), with <paramref name="dateString"/> as the llama3.1 date.</summary>
    /// <exception cref="TokenizerFormatException">No format was given and the config holds a chat template that no
    /// <see cref="ChatFormat"/> renders.</exception>
    /// <exception cref="ArgumentException">The date is not written as "26 Jul 2024".</exception>
    public ChatTemplate ResolveChatTemplate(ChatFormat? format = null, string dateString = ChatTemplate.DefaultDate)
    {
        if (format is { } given)
        {
            return ChatTemplate.For(given, dateString);
        }
        if (!ChatTemplate.TryDetect(ChatTemplateSource, out var detected))
        {
            throw new TokenizerFormatException(ChatTemplatePath ?? SourcePath, "chat_template",
                $"the chat template is not one Unlearn renders ({string.Join(", ", ChatFormats.Names)}; see docs/tokenizers.md); name the chat format explicitly if the model uses one of them.");
        }
        return detected.WithDate(dateString);
    }

    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">End with the header that asks the model for an assistant turn.</param>
    /// <param name="template">Format to use; null for the one recognised from the config (<see cref="ResolveChatTemplate"/>,
    /// which refuses a template it does not know).</param>
    /// <exception cref="ArgumentException">The format cannot render the conversation (a role it has no turn for, roles
    /// that do not alternate in llama2, an empty conversation where the template needs a first message).</exception>
    public ChatRendering RenderChat(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, ChatTemplate? template = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        template ??= ResolveChatTemplate();
        // The chat templates write bos_token themselves; plain text starts with BOS only when encoding would add it.
        var bos = template.Format == ChatFormat.Plain && !AddBos ? null : BosToken;
        var (text, ranges) = ChatRenderer.Render(template, messages, addGenerationPrompt, bos, EosToken);
        var encoded = EncodeWithOffsets(text, addSpecialTokens: false, parseSpecialTokens: true);
        var spans = new List<TokenSpan>(ranges.Count);
        foreach (var range in ranges)
        {
            var first = -1;
            var last = -1;
            for (var i = 0; i < encoded.Count; i++)
            {
                var offset = encoded.Offsets[i];
                if (offset.End > range.Start && offset.Start < range.End)
                {
                    if (first < 0)
                    {
                        first = i;
                    }
                    last = i;
                }
            }
            if (first >= 0)
            {
                spans.Add(new TokenSpan(first, last - first + 1));
            }
        }
        return new ChatRendering(text, encoded.Ids, spans, ranges);
    }
}
