// `unlearn tokenize`: encode text (or decode ids) with a model's tokenizer, for people and for scripts.
//   unlearn tokenize --tokenizer PATH [--no-special] [--json] [TEXT]     TEXT, or all of standard input
//   unlearn tokenize --tokenizer PATH --jsonl [--no-special] < lines      {"text": ...} or {"ids": [...]} per line
//   unlearn tokenize --tokenizer PATH --chat MESSAGES.json [--generation-prompt] [--chat-format F] [--date D] --json
//                                                                        a conversation rendered (TokenizeCommand.Chat.cs)
// Parses arguments, calls Unlearn.Tokenizers, maps failures to exit codes; the tokenizing itself is the library's.
using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Cli.Commands;

internal static partial class TokenizeCommand
{
    /// <summary>Lines of --jsonl input encoded together on all cores; output order is input order.</summary>
    private const int BatchLines = 1024;

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="standardInput">Where TEXT-less and --jsonl input comes from (tests pass their own).</param>
    public static Command Create(Func<TextReader>? standardInput = null)
    {
        var tokenizerOption = new Option<string>("--tokenizer")
        {
            Description = "A model folder or tokenizer file (tokenizer.json, tokenizer.model, vocab.json, tokenizer.bin).",
            Required = true,
        };
        var noSpecialOption = new Option<bool>("--no-special")
        {
            Description = "Do not add BOS/EOS and treat special-token markup in the text as plain text (when decoding: drop special tokens).",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print {\"ids\", \"tokens\", \"offsets\"} as one JSON line." };
        var jsonlOption = new Option<bool>("--jsonl")
        {
            Description = "Read standard input as JSON lines {\"text\": ...} or {\"ids\": [...]}; write {\"ids\", \"tokens\"} or {\"text\"} per line.",
        };
        var textArgument = new Argument<string?>("text")
        {
            Description = "Text to encode; standard input when omitted.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var chat = new ChatArguments();
        var command = new Command("tokenize", "Encode text to token ids (or decode ids) with a model's tokenizer, or render a conversation.")
        {
            tokenizerOption, noSpecialOption, jsonOption, jsonlOption, chat.Messages, chat.GenerationPrompt, chat.Format, chat.Date,
            textArgument,
        };
        command.SetAction(parseResult =>
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = ReferenceEquals(configuration.Output, Console.Out)
                ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16)
                : configuration.Output;
            try
            {
                return Run(new Request(
                    parseResult.GetRequiredValue(tokenizerOption),
                    parseResult.GetValue(noSpecialOption),
                    parseResult.GetValue(jsonOption),
                    parseResult.GetValue(jsonlOption),
                    parseResult.GetValue(textArgument),
                    chat.Read(parseResult)), standardInput ?? (() => Console.In), output, configuration.Error);
            }
            finally
            {
                output.Flush();
            }
        });
        return command;
    }

    private sealed record Request(string TokenizerPath, bool NoSpecial, bool Json, bool JsonLines, string? Text, ChatRequest Chat);

    private static int Run(Request request, Func<TextReader> input, TextWriter output, TextWriter error)
    {
        if (request.JsonLines && (request.Json || request.Text is not null))
        {
            error.WriteLine("unlearn tokenize: error: --jsonl reads standard input; it takes neither TEXT nor --json.");
            return ExitCodes.UsageError;
        }
        if (UsageProblem(request) is { } problem)
        {
            error.WriteLine($"unlearn tokenize: error: {problem}");
            return ExitCodes.UsageError;
        }
        // A conversation file is read before the tokenizer is loaded: its problems are reported without that wait.
        List<ChatMessage>? messages = null;
        if (request.Chat.MessagesPath is { } messagesPath && !TryReadMessages(messagesPath, error, out messages))
        {
            return ExitCodes.BadInput;
        }
        Tokenizer tokenizer;
        try
        {
            tokenizer = Tokenizer.Load(request.TokenizerPath);
        }
        catch (Exception e) when (e is TokenizerFormatException or FileNotFoundException or DirectoryNotFoundException
            or UnauthorizedAccessException or IOException)
        {
            error.WriteLine($"unlearn tokenize: error: {e.Message}");
            return ExitCodes.BadInput;
        }
        try
        {
            if (messages is not null)
            {
                return RunChat(tokenizer, request, messages, output, error);
            }
            return request.JsonLines
                ? RunJsonLines(tokenizer, !request.NoSpecial, input(), output, error)
                : RunText(tokenizer, request, request.Text ?? input().ReadToEnd(), output);
        }
        catch (IOException e)
        {
            error.WriteLine($"unlearn tokenize: error: could not read input or write output ({e.Message}).");
            return ExitCodes.RuntimeFailure;
        }
    }

    private static int RunText(Tokenizer tokenizer, Request request, string text, TextWriter output)
    {
        var special = !request.NoSpecial;
        if (!request.Json)
        {
            output.WriteLine(string.Join(' ', tokenizer.Encode(text, special, special)));
            return ExitCodes.Success;
        }
        var encoded = tokenizer.EncodeWithOffsets(text, special, special);
        output.WriteLine(JsonSerializer.Serialize(new
        {
            ids = encoded.Ids,
            tokens = encoded.Tokens,
            offsets = encoded.Offsets.Select(o => new[] { o.Start, o.End }),
        }, JsonOptions));
        return ExitCodes.Success;
    }

    private static int RunJsonLines(Tokenizer tokenizer, bool special, TextReader input, TextWriter output, TextWriter error)
    {
        var lineNumber = 0;
        var batch = new List<(string? Text, int[]? Ids)>(BatchLines);
        while (true)
        {
            batch.Clear();
            string? line;
            while (batch.Count < BatchLines && (line = input.ReadLine()) is not null)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                if (!TryParseLine(line, out var item, out var problem))
                {
                    error.WriteLine($"unlearn tokenize: error: standard input line {lineNumber}: {problem}");
                    return ExitCodes.BadInput;
                }
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                return ExitCodes.Success;
            }
            var texts = batch.Where(b => b.Text is not null).Select(b => b.Text!).ToArray();
            var encoded = tokenizer.EncodeBatch(texts, special, special);
            var next = 0;
            foreach (var (text, ids) in batch)
            {
                if (text is not null)
                {
                    var result = encoded[next++];
                    output.WriteLine(JsonSerializer.Serialize(
                        new { ids = result, tokens = result.Select(id => tokenizer.IdToToken(id)) }, JsonOptions));
                }
                else
                {
                    output.WriteLine(JsonSerializer.Serialize(
                        new { text = tokenizer.Decode(ids!, skipSpecialTokens: !special) }, JsonOptions));
                }
            }
        }
    }

    private static bool TryParseLine(string line, out (string? Text, int[]? Ids) item, out string problem)
    {
        item = default;
        problem = "";
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                item = (text.GetString(), null);
                return true;
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
            {
                var values = new int[ids.GetArrayLength()];
                var i = 0;
                foreach (var id in ids.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out values[i++]))
                    {
                        problem = $"\"ids\"[{i - 1}] is not an integer.";
                        return false;
                    }
                }
                item = (null, values);
                return true;
            }
            problem = "expected {\"text\": \"...\"} or {\"ids\": [...]}.";
            return false;
        }
        catch (JsonException e)
        {
            problem = $"not valid JSON ({e.Message.Split(". ")[0]}).";
            return false;
        }
    }
}
