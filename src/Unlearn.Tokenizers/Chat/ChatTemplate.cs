// Which chat format to render and its settings (the Llama 3.1 date, the ChatML default system prompt). TryDetect()
// recognises the family from the markers of a Jinja chat template (no Jinja engine: ChatRenderer reproduces the real
// templates of Llama 3.0, Llama 3.1/3.2/3.3, Llama 2 chat, Qwen2.5 and plain ChatML; see docs/tokenizers.md).
using System.Globalization;
using System.Text.RegularExpressions;

namespace Unlearn.Tokenizers.Chat;

public sealed partial record ChatTemplate
{
    /// <summary>The date the Llama 3.1/3.3 templates use when none is given, and Llama 3.2's when it has no
    /// strftime_now. transformers gives Llama 3.2 today's date; a fixed default keeps renders (and content keys)
    /// the same on every day.</summary>
    public const string DefaultDate = "26 Jul 2024";

    /// <summary>The system message Qwen2.5's template writes when the conversation has none.</summary>
    public const string QwenSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    private const string DateFormat = "dd MMM yyyy";

    public ChatFormat Format { get; init; }

    /// <summary>The "Today Date" of llama3.1 system blocks (the templates' date_string, strftime "%d %b %Y");
    /// the other formats have no date.</summary>
    public string DateString { get; init; } = DefaultDate;

    /// <summary>chatml: the system message used when the conversation has none (Qwen2.5's by default).</summary>
    public string? DefaultSystemPrompt { get; init; }

    /// <summary>The format's name: "llama3.1", "chatml-plain", ...</summary>
    public string Name => Format.Name();

    /// <summary>True when the rendered text depends on <see cref="DateString"/>.</summary>
    public bool UsesDate => Format == ChatFormat.Llama31;

    /// <summary>The format with its defaults: chatml gets Qwen2.5's default system prompt.</summary>
    public static ChatTemplate For(ChatFormat format, string dateString = DefaultDate)
    {
        if (!IsValidDate(dateString))
        {
            throw new ArgumentException(DateProblem(dateString), nameof(dateString));
        }
        return new ChatTemplate
        {
            Format = format,
            DateString = dateString,
            DefaultSystemPrompt = format == ChatFormat.ChatMl ? QwenSystemPrompt : null,
        };
    }

    /// <summary>This template with another llama3.1 date.</summary>
    public ChatTemplate WithDate(string dateString) => IsValidDate(dateString)
        ? this with { DateString = dateString }
        : throw new ArgumentException(DateProblem(dateString), nameof(dateString));

    /// <summary>A date written as the templates' strftime("%d %b %Y") writes it: "26 Jul 2024", "01 Jan 2025".</summary>
    public static bool IsValidDate(string? dateString) =>
        dateString is not null
        && DateTime.TryParseExact(dateString, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date.ToString(DateFormat, CultureInfo.InvariantCulture) == dateString;

    /// <summary>What is wrong with a date that <see cref="IsValidDate"/> refuses, and what to write instead.</summary>
    public static string DateProblem(string? dateString) =>
        $"'{dateString}' is not a date as the Llama 3.1 templates write it (strftime \"%d %b %Y\": two-digit day, English month abbreviation, four-digit year, e.g. '{DefaultDate}').";

    /// <summary>Recognises the chat family of a Jinja template; Plain when there is none or it is not recognised.</summary>
    public static ChatTemplate Detect(string? jinja) => TryDetect(jinja, out var template) ? template : For(ChatFormat.Plain);

    /// <summary>Recognises the chat family of a Jinja template by its markers. True (Plain) for a null or empty
    /// template (a base model); false for a template that no <see cref="ChatFormat"/> renders.</summary>
    public static bool TryDetect(string? jinja, out ChatTemplate template)
    {
        if (string.IsNullOrEmpty(jinja))
        {
            template = For(ChatFormat.Plain);
            return true;
        }
        if (jinja.Contains("<|start_header_id|>", StringComparison.Ordinal))
        {
            // Llama 3.1, 3.2 and 3.3 always write the knowledge cut-off header; 3.0 has none.
            template = For(jinja.Contains("Cutting Knowledge Date", StringComparison.Ordinal) ? ChatFormat.Llama31 : ChatFormat.Llama3);
            return true;
        }
        if (jinja.Contains("<|im_start|>", StringComparison.Ordinal))
        {
            var match = DefaultSystemRegex().Match(jinja);
            template = match.Success
                ? new ChatTemplate { Format = ChatFormat.ChatMl, DefaultSystemPrompt = Regex.Unescape(match.Groups["prompt"].Value) }
                : For(ChatFormat.ChatMlPlain);
            return true;
        }
        // Llama 2 chat wraps the system message in <<SYS>>; Mistral's [INST] templates do not and render differently.
        if (jinja.Contains("[INST]", StringComparison.Ordinal) && jinja.Contains("<<SYS>>", StringComparison.Ordinal))
        {
            template = For(ChatFormat.Llama2);
            return true;
        }
        template = For(ChatFormat.Plain);
        return false;
    }

    /// <summary>A literal system block in the template: '&lt;|im_start|&gt;system\nTEXT&lt;|im_end|&gt;' (the
    /// branch taken when the conversation has no system message).</summary>
    [GeneratedRegex(@"<\|im_start\|>system\\n(?<prompt>[^'""<{}]*)<\|im_end\|>")]
    private static partial Regex DefaultSystemRegex();
}
