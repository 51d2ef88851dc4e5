// Loads an instruction/chat dataset into conversations: ShareGPT rows (conversations: [{from, value}], from ∈ system,
// human, gpt as in mlabonne/FineTome-100k; user/assistant are accepted too), messages rows (messages: [{role,
// content}]) or Alpaca rows (instruction, input, output; the user turn is the instruction, then a blank line and the
// input when there is one). A file is JSONL (one object per line, blank lines skipped) or one JSON array; the format
// is detected from the first row unless given, and every row must then have it. Errors name the file, the line and
// the field. Other keys of a row (FineTome's source and score) are ignored.
using System.Text;
using System.Text.Json;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.FineTuning;

public enum DatasetFormat
{
    /// <summary>Detect from the first row: conversations → ShareGPT, messages → Messages, instruction → Alpaca.</summary>
    Auto,
    ShareGpt,
    Messages,
    Alpaca,
}

public static class InstructionDataset
{
    private static readonly Dictionary<string, string> ShareGptRoles = new(StringComparer.Ordinal)
    {
        ["system"] = "system",
        ["human"] = "user",
        ["user"] = "user",
        ["gpt"] = "assistant",
        ["assistant"] = "assistant",
    };

    private static readonly HashSet<string> MessageRoles = new(StringComparer.Ordinal) { "system", "user", "assistant", "tool" };

    /// <summary>Every row of <paramref name="path"/> as a conversation, in file order (the first <paramref name="maxRows"/> when given:
    /// a quick check of a large dataset's format before a build runs).</summary>
    /// <exception cref="DatasetFormatException">The file is missing, not JSON/JSONL, or a row lacks a field of its format.</exception>
    public static IReadOnlyList<Conversation> Load(string path, DatasetFormat format = DatasetFormat.Auto, int? maxRows = null)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, null, "", "the dataset file does not exist (give a .jsonl or .json file in ShareGPT, messages or Alpaca form).");
        }
        var rows = new List<Conversation>();
        var detected = format;
        foreach (var (line, prefix, element) in Rows(path))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException(path, line, prefix.TrimEnd('.'), $"expected a JSON object per row, found {element.ValueKind}.");
            }
            if (detected == DatasetFormat.Auto)
            {
                detected = Detect(element) ?? throw new DatasetFormatException(path, line, prefix.TrimEnd('.'),
                    "cannot tell the format: a row needs 'conversations' (ShareGPT), 'messages' or 'instruction' + 'output' (Alpaca).");
            }
            var context = new RowContext(path, line, prefix);
            var messages = detected switch
            {
                DatasetFormat.ShareGpt => ReadShareGpt(element, context),
                DatasetFormat.Messages => ReadMessages(element, context),
                _ => ReadAlpaca(element, context),
            };
            rows.Add(new Conversation($"{Path.GetFileName(path)}:{line}", messages));
            if (rows.Count == maxRows)
            {
                break;
            }
        }
        if (rows.Count == 0)
        {
            throw new DatasetFormatException(path, null, "", "the dataset has no rows.");
        }
        return rows;
    }

    private static DatasetFormat? Detect(JsonElement row) =>
        row.TryGetProperty("conversations", out _) ? DatasetFormat.ShareGpt
        : row.TryGetProperty("messages", out _) ? DatasetFormat.Messages
        : row.TryGetProperty("instruction", out _) ? DatasetFormat.Alpaca
        : null;

    private static List<ChatMessage> ReadShareGpt(JsonElement row, RowContext context)
    {
        var turns = context.Array(row, "conversations");
        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var turn in turns.EnumerateArray())
        {
            string at = $"conversations[{index}]";
            string from = context.String(turn, "from", at);
            if (!ShareGptRoles.TryGetValue(from, out var role))
            {
                throw context.Error($"{at}.from", $"'{from}' is not a ShareGPT role (expected one of: {string.Join(", ", ShareGptRoles.Keys)}).");
            }
            messages.Add(new ChatMessage(role, context.String(turn, "value", at)));
            index++;
        }
        return messages;
    }

    private static List<ChatMessage> ReadMessages(JsonElement row, RowContext context)
    {
        var turns = context.Array(row, "messages");
        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var turn in turns.EnumerateArray())
        {
            string at = $"messages[{index}]";
            string role = context.String(turn, "role", at);
            if (!MessageRoles.Contains(role))
            {
                throw context.Error($"{at}.role", $"'{role}' is not a chat role (expected one of: {string.Join(", ", MessageRoles)}).");
            }
            messages.Add(new ChatMessage(role, context.String(turn, "content", at)));
            index++;
        }
        return messages;
    }

    private static List<ChatMessage> ReadAlpaca(JsonElement row, RowContext context)
    {
        string instruction = context.String(row, "instruction", "");
        string input = context.OptionalString(row, "input", "") ?? "";
        string output = context.String(row, "output", "");
        var messages = new List<ChatMessage>();
        if (context.OptionalString(row, "system", "") is { Length: > 0 } system)
        {
            messages.Add(ChatMessage.System(system));
        }
        messages.Add(ChatMessage.User(input.Length == 0 ? instruction : $"{instruction}\n\n{input}"));
        messages.Add(ChatMessage.Assistant(output));
        return messages;
    }

    /// <summary>(1-based line, JSON path prefix, row) for every row of a JSONL file or a JSON array.</summary>
    private static IEnumerable<(int Line, string Prefix, JsonElement Row)> Rows(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int first = 0;
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            first = Encoding.UTF8.Preamble.Length;
        }
        while (first < bytes.Length && bytes[first] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            first++;
        }
        return first < bytes.Length && bytes[first] == (byte)'[' ? ArrayRows(path, bytes, first) : LineRows(path, bytes, first);
    }

    private static IEnumerable<(int, string, JsonElement)> LineRows(string path, byte[] bytes, int start)
    {
        int line = 1 + CountNewlines(bytes, 0, start);
        int position = start;
        while (position < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', position);
            if (end < 0)
            {
                end = bytes.Length;
            }
            var text = bytes.AsMemory(position, end - position);
            if (!IsBlank(text.Span))
            {
                JsonElement row;
                try
                {
                    using var document = JsonDocument.Parse(text);
                    row = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new DatasetFormatException(path, line, "", $"not valid JSON ({e.Message}); a JSONL dataset holds one JSON object per line.", e);
                }
                yield return (line, "", row);
            }
            position = end + 1;
            line++;
        }
    }

    private static IEnumerable<(int, string, JsonElement)> ArrayRows(string path, byte[] bytes, int start)
    {
        var rows = new List<(int, string, JsonElement)>();
        var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        int index = 0;
        int counted = 0;
        int line = 1 + CountNewlines(bytes, 0, start);
        try
        {
            reader.Read();   // the opening '['
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int offset = start + (int)reader.TokenStartIndex;
                line += CountNewlines(bytes, counted, offset);
                counted = offset;
                using var document = JsonDocument.ParseValue(ref reader);
                rows.Add((line, $"[{index}].", document.RootElement.Clone()));
                index++;
            }
        }
        catch (JsonException e)
        {
            int? errorLine = e.LineNumber is long l ? (int)l + 1 + CountNewlines(bytes, 0, start) : null;
            throw new DatasetFormatException(path, errorLine, $"[{index}]", $"not valid JSON ({e.Message}).", e);
        }
        return rows;
    }

    private static int CountNewlines(byte[] bytes, int from, int to) => bytes.AsSpan(from, Math.Max(0, to - from)).Count((byte)'\n');

    private static bool IsBlank(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }
        return true;
    }

    private readonly record struct RowContext(string Path, int Line, string Prefix)
    {
        public DatasetFormatException Error(string field, string problem) => new(Path, Line, Prefix + field, problem);

        public JsonElement Array(JsonElement row, string name)
        {
            if (!row.TryGetProperty(name, out var value))
            {
                throw Error(name, "missing (expected a list of turns).");
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Error(name, $"expected a list of turns, found {value.ValueKind}.");
            }
            return value;
        }

        public string String(JsonElement element, string name, string at) =>
            OptionalString(element, name, at) ?? throw Error(Join(at, name), "missing (expected a string).");

        public string? OptionalString(JsonElement element, string name, string at)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(at, $"expected an object, found {element.ValueKind}.");
            }
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                throw Error(Join(at, name), $"expected a string, found {value.ValueKind}.");
            }
            return value.GetString();
        }

        private static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";
    }
}
