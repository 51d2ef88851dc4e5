// Which chat format to render and its variant settings. Detect() recognises the family from the markers in a
// tokenizer_config.json Jinja template (no Jinja engine: the formats are rendered by ChatRenderer, following the
// real templates of Llama 3.0/3.1/3.2, Llama 2 and Qwen2.5).
using System.Text.RegularExpressions;

namespace Unlearn.Tokenizers.Chat;

public sealed partial record ChatTemplate
{
    /// <summary>The date Llama 3.1/3.2 templates fall back to when no date is given ("26 Jul 2024"). Llama 3.2's
    /// template would use today's date; a fixed default keeps renders reproducible.</summary>
    public const string DefaultLlamaDate = "26 Jul 2024";

    public ChatFormat Format { get; init; }

    /// <summary>Llama 3.1+: every conversation starts with a system block holding "Cutting Knowledge Date:
    /// December 2023" and "Today Date: ..." before the system message.</summary>
    public bool KnowledgeCutoffHeader { get; init; }

    /// <summary>The "Today Date" of Llama 3.1+ system blocks.</summary>
    public string DateString { get; init; } = DefaultLlamaDate;

    /// <summary>ChatML: the system message used when the conversation has none (Qwen2.5's "You are Qwen, ...").</summary>
    public string? DefaultSystemPrompt { get; init; }

    public static ChatTemplate For(ChatFormat format) => new() { Format = format };

    /// <summary>Recognises the chat family of a Jinja template by its markers; Plain when null or unknown.</summary>
    public static ChatTemplate Detect(string? jinja)
    {
        if (string.IsNullOrEmpty(jinja))
        {
            return For(ChatFormat.Plain);
        }
        if (jinja.Contains("<|start_header_id|>", StringComparison.Ordinal))
        {
            return new ChatTemplate
            {
                Format = ChatFormat.Llama3,
                KnowledgeCutoffHeader = jinja.Contains("Cutting Knowledge Date", StringComparison.Ordinal),
            };
        }
        if (jinja.Contains("<|im_start|>", StringComparison.Ordinal))
        {
            var match = DefaultSystemRegex().Match(jinja);
            return new ChatTemplate
            {
                Format = ChatFormat.ChatMl,
                DefaultSystemPrompt = match.Success ? Regex.Unescape(match.Groups["prompt"].Value) : null,
            };
        }
        if (jinja.Contains("[INST]", StringComparison.Ordinal))
        {
            return For(ChatFormat.Llama2);
        }
        return For(ChatFormat.Plain);
    }

    /// <summary>A literal system block in the template: '&lt;|im_start|&gt;system\nTEXT&lt;|im_end|&gt;' (the
    /// branch taken when the conversation has no system message).</summary>
    [GeneratedRegex(@"<\|im_start\|>system\\n(?<prompt>[^'""<{}]*)<\|im_end\|>")]
    private static partial Regex DefaultSystemRegex();
}
