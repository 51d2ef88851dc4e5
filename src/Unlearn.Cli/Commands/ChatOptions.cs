// The chat options `tokenize --chat` and `generate --chat` share: --chat-format and --date, and how they become the
// template to render with (the tokenizer's own when no format is named).
using System.CommandLine;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Cli.Commands;

internal static class ChatOptions
{
    public static Option<string?> Format() => new("--chat-format")
    {
        Description = $"Chat format: auto (recognised from the tokenizer's chat template, the default), {string.Join(", ", ChatFormats.Names)}.",
    };

    public static Option<string> Date() => new("--date")
    {
        Description = $"The 'Today Date' of llama3.1 system blocks, as \"%d %b %Y\" (default \"{ChatTemplate.DefaultDate}\", the templates' fallback; other formats have no date).",
        DefaultValueFactory = _ => ChatTemplate.DefaultDate,
    };

    /// <summary>The named format (or the tokenizer's, for null or "auto") with the date.</summary>
    /// <exception cref="BadInputException">An unknown format name or a date not written as "26 Jul 2024".</exception>
    /// <exception cref="TokenizerFormatException">auto, and the tokenizer's template is none that Unlearn renders.</exception>
    public static ChatTemplate Resolve(Tokenizer tokenizer, string? formatName, string date)
    {
        ChatFormat? format = null;
        if (formatName is not null && formatName != "auto")
        {
            if (!ChatFormats.TryParse(formatName, out var parsed))
            {
                throw new BadInputException(
                    $"--chat-format '{formatName}' is not a chat format; use auto or one of {string.Join(", ", ChatFormats.Names)}.");
            }
            format = parsed;
        }
        if (!ChatTemplate.IsValidDate(date))
        {
            throw new BadInputException($"--date {ChatTemplate.DateProblem(date)}");
        }
        return tokenizer.ResolveChatTemplate(format, date);
    }
}
