// `unlearn tokenize --chat MESSAGES.json`: a conversation (a JSON array of {"role", "content"}) rendered in a chat
// format and tokenized as apply_chat_template(tokenize=True) does. With --json it prints one line
//   {"text": "...", "ids": [...], "assistant_spans": [[start, end], ...]}
// where each span is a token index range, end exclusive, covering an assistant message's content and its
// end-of-turn token (the tokens response-only training computes the loss on). Without --json: the ids.
// A messages file that is not such an array, or a message the format cannot render, is bad input (exit 3).
using System.CommandLine;
using System.Text.Json;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Cli.Commands;

internal static partial class TokenizeCommand
{
    private static readonly string[] KnownRoles = ["system", "user", "assistant", "tool", "ipython"];

    private sealed record ChatRequest(string? MessagesPath, bool GenerationPrompt, string? Format, string Date, bool ChatOptionsGiven);

    private sealed class ChatArguments
    {
        public Option<string?> Messages { get; } = new("--chat")
        {
            Description = "Render the conversation in MESSAGES.json (a JSON array of {\"role\", \"content\"}) and tokenize it.",
            HelpName = "MESSAGES.json",
        };

        public Option<bool> GenerationPrompt { get; } = new("--generation-prompt")
        {
            Description = "With --chat: end with the header that asks for an assistant turn.",
        };

        public Option<string?> Format { get; } = ChatOptions.Format();

        public Option<string> Date { get; } = ChatOptions.Date();

        public ChatRequest Read(ParseResult parse) => new(
            parse.GetValue(Messages),
            parse.GetValue(GenerationPrompt),
            parse.GetValue(Format),
            parse.GetValue(Date)!,
            parse.GetResult(Format) is { Implicit: false } || parse.GetResult(Date) is { Implicit: false }
                || parse.GetValue(GenerationPrompt));
    }

    private static string? UsageProblem(Request request)
    {
        var chat = request.Chat;
        if (chat.MessagesPath is null)
        {
            return chat.ChatOptionsGiven ? "--generation-prompt, --chat-format and --date apply to --chat MESSAGES.json." : null;
        }
        if (request.Text is not null || request.JsonLines || request.NoSpecial)
        {
            return "--chat reads the conversation from MESSAGES.json; it takes neither TEXT, --jsonl nor --no-special (chat markup is special tokens).";
        }
        return null;
    }

    private static bool TryReadMessages(string path, TextWriter error, out List<ChatMessage> messages)
    {
        try
        {
            messages = ReadMessages(path);
            return true;
        }
        catch (BadInputException e)
        {
            error.WriteLine($"unlearn tokenize: error: {e.Message}");
            messages = [];
            return false;
        }
    }

    private static int RunChat(Tokenizer tokenizer, Request request, List<ChatMessage> messages, TextWriter output, TextWriter error)
    {
        var path = request.Chat.MessagesPath!;
        ChatRendering rendering;
        try
        {
            var template = ChatOptions.Resolve(tokenizer, request.Chat.Format, request.Chat.Date);
            try
            {
                rendering = tokenizer.RenderChat(messages, request.Chat.GenerationPrompt, template);
            }
            catch (ArgumentException e)
            {
                throw new BadInputException($"{path}: {e.Message}");
            }
        }
        catch (Exception e) when (e is BadInputException or TokenizerFormatException)
        {
            error.WriteLine($"unlearn tokenize: error: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (!request.Json)
        {
            output.WriteLine(string.Join(' ', rendering.Ids));
            return ExitCodes.Success;
        }
        output.WriteLine(JsonSerializer.Serialize(new
        {
            text = rendering.Text,
            ids = rendering.Ids,
            assistant_spans = rendering.AssistantSpans.Select(s => new[] { s.Start, s.End }),
        }, JsonOptions));
        return ExitCodes.Success;
    }

    /// <summary>The messages of a conversation file; every problem names the file and the item (counted from 0).</summary>
    private static List<ChatMessage> ReadMessages(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read the conversation file ({e.Message}).");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new BadInputException($"{path}: expected a JSON array of {{\"role\", \"content\"}} objects, found {Kind(root)}.");
            }
            var messages = new List<ChatMessage>();
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new BadInputException($"{path}: item {index} is {Kind(item)}, not a {{\"role\", \"content\"}} object.");
                }
                var role = StringField(path, item, index, "role");
                if (!KnownRoles.Contains(role, StringComparer.Ordinal))
                {
                    throw new BadInputException($"{path}: item {index} has the unknown role '{role}' (roles: {string.Join(", ", KnownRoles)}).");
                }
                messages.Add(new ChatMessage(role, StringField(path, item, index, "content")));
                index++;
            }
            return messages;
        }
    }

    private static string StringField(string path, JsonElement item, int index, string name)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            throw new BadInputException($"{path}: item {index} has no \"{name}\".");
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new BadInputException($"{path}: item {index}: \"{name}\" is {Kind(value)}, not a string.");
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };
}
