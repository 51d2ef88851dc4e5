// Reads one line from a terminal key by key (raw mode: Console.ReadKey), for `unlearn chat`: printable keys insert at
// the cursor, Backspace/Delete, ←/→, Home/End (and Ctrl+E), Ctrl+U (clear), ↑/↓ (earlier lines), Enter. Ctrl+A is
// not "start of line" here: it ends the read as a toggle request keeping what was typed; Ctrl+C abandons the line;
// Ctrl+D on an empty line is end of input. Redrawing uses ANSI cursor codes, so it is only for a real terminal —
// piped input never comes here (ChatCommand reads lines instead). Not a full readline: no wrapping across rows, no
// word motions, characters are assumed one column wide.
using System.Text;

namespace Unlearn.Cli.Terminal;

internal enum ChatInputKind
{
    /// <summary>A line was entered (Enter).</summary>
    Line,

    /// <summary>Ctrl+A: toggle the edits; Text is what was typed so far (the next read starts with it).</summary>
    Toggle,

    /// <summary>Ctrl+C: the line was abandoned.</summary>
    Interrupt,

    /// <summary>Ctrl+D on an empty line, or the end of piped input.</summary>
    EndOfInput,
}

internal readonly record struct ChatInput(ChatInputKind Kind, string Text = "");

internal sealed class LineEditor(Func<ConsoleKeyInfo> readKey, TextWriter output)
{
    private const char ToggleKey = '\x01';
    private const char InterruptKey = '\x03';
    private const char EndKey = '\x04';
    private const char EndOfLineKey = '\x05';
    private const char ClearKey = '\x15';

    private readonly List<string> _earlier = [];

    /// <summary>Prints <paramref name="prompt"/> and <paramref name="initial"/> and edits until Enter, Ctrl+A, Ctrl+C or Ctrl+D.</summary>
    public ChatInput Read(string prompt, string initial = "")
    {
        var line = new StringBuilder(initial);
        int cursor = line.Length;
        int recalled = _earlier.Count;
        output.Write(prompt + initial);
        output.Flush();
        while (true)
        {
            var key = readKey();
            switch (key.KeyChar)
            {
                case ToggleKey:
                    output.WriteLine();
                    return new ChatInput(ChatInputKind.Toggle, line.ToString());
                case InterruptKey:
                    output.WriteLine("^C");
                    return new ChatInput(ChatInputKind.Interrupt);
                case EndKey when line.Length == 0:
                    output.WriteLine();
                    return new ChatInput(ChatInputKind.EndOfInput);
                case EndKey when cursor < line.Length:
                    line.Remove(cursor, 1);
                    Redraw(prompt, line, cursor);
                    continue;
                case EndOfLineKey:
                    cursor = line.Length;
                    Redraw(prompt, line, cursor);
                    continue;
                case ClearKey:
                    line.Clear();
                    cursor = 0;
                    Redraw(prompt, line, cursor);
                    continue;
            }
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    output.WriteLine();
                    output.Flush();
                    if (line.Length > 0 && (_earlier.Count == 0 || _earlier[^1] != line.ToString()))
                    {
                        _earlier.Add(line.ToString());
                    }
                    return new ChatInput(ChatInputKind.Line, line.ToString());
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    if (cursor == line.Length)
                    {
                        output.Write("\b \b");
                        output.Flush();
                    }
                    else
                    {
                        Redraw(prompt, line, cursor);
                    }
                    continue;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    Recall(line, _earlier[--recalled]);
                    cursor = line.Length;
                    break;
                case ConsoleKey.DownArrow when recalled < _earlier.Count:
                    Recall(line, ++recalled < _earlier.Count ? _earlier[recalled] : "");
                    cursor = line.Length;
                    break;
                default:
                    if (key.KeyChar == '\0' || char.IsControl(key.KeyChar))
                    {
                        continue;
                    }
                    line.Insert(cursor++, key.KeyChar);
                    if (cursor == line.Length)
                    {
                        // Typing at the end (the usual case) echoes the key alone.
                        output.Write(key.KeyChar);
                        output.Flush();
                        continue;
                    }
                    break;
            }
            Redraw(prompt, line, cursor);
        }
    }

    private static void Recall(StringBuilder line, string text)
    {
        line.Clear();
        line.Append(text);
    }

    // Carriage return, the prompt and the line, erase to the end of the row, then back to the cursor.
    private void Redraw(string prompt, StringBuilder line, int cursor)
    {
        output.Write($"\r{prompt}{line}\x1b[K");
        int back = line.Length - cursor;
        if (back > 0)
        {
            output.Write($"\x1b[{back}D");
        }
        output.Flush();
    }
}
