// Where `unlearn chat` reads messages and writes replies. TerminalChatConsole, when standard input and output are both
// a terminal: raw-mode keys through LineEditor (so Ctrl+A toggles), prompts and notices on stdout, Ctrl+C during a reply
// stops that reply. PipedChatConsole otherwise (scripts): one message per input line, stdout carries the replies and
// nothing else (one line each, or one JSON object each with --json), banner and notices go to stderr, no prompt is
// echoed and no cursor code is written.
using System.Text.Json;
using Unlearn.Experiments.Chat;

namespace Unlearn.Cli.Terminal;

internal interface IChatConsole
{
    /// <summary>True for a terminal with key-by-key input (Ctrl+A works).</summary>
    bool IsTerminal { get; }

    ChatInput Read(string prompt, string pending);

    /// <summary>Called before a reply; the token is cancelled when the user stops it.</summary>
    CancellationToken StartReply();

    void ReplyText(string piece);

    void EndReply(string message, ChatReply reply);

    void Notice(string text);
}

internal sealed class TerminalChatConsole : IChatConsole, IDisposable
{
    private readonly LineEditor _editor = new(() => Console.ReadKey(intercept: true), Console.Out);
    private volatile CancellationTokenSource? _reply;

    public TerminalChatConsole() => Console.CancelKeyPress += OnCancelKeyPress;

    public bool IsTerminal => true;

    public ChatInput Read(string prompt, string pending)
    {
        // Ctrl+C is a key while a line is edited (abandon the line) and a signal while a reply streams (stop it).
        Console.TreatControlCAsInput = true;
        try
        {
            return _editor.Read(prompt, pending);
        }
        finally
        {
            Console.TreatControlCAsInput = false;
        }
    }

    public CancellationToken StartReply()
    {
        var source = new CancellationTokenSource();
        _reply = source;
        return source.Token;
    }

    public void ReplyText(string piece)
    {
        Console.Out.Write(piece);
        Console.Out.Flush();
    }

    public void EndReply(string message, ChatReply reply)
    {
        _reply = null;
        Console.Out.WriteLine(reply.Cancelled ? " [stopped]" : "");
    }

    public void Notice(string text) => Console.Out.WriteLine(text);

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_reply is { } reply)
        {
            e.Cancel = true;
            reply.Cancel();
        }
    }
}

internal sealed class PipedChatConsole(TextReader input, TextWriter output, TextWriter notices, bool json) : IChatConsole
{
    public bool IsTerminal => false;

    public ChatInput Read(string prompt, string pending) =>
        input.ReadLine() is { } line ? new ChatInput(ChatInputKind.Line, line) : new ChatInput(ChatInputKind.EndOfInput);

    public CancellationToken StartReply() => CancellationToken.None;

    public void ReplyText(string piece)
    {
        if (!json)
        {
            output.Write(piece);
            output.Flush();
        }
    }

    public void EndReply(string message, ChatReply reply)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                turn = reply.Turn,
                variant = reply.Variant,
                seed = reply.Seed,
                prompt = message,
                prompt_ids = reply.PromptIds,
                new_ids = reply.NewIds,
                text = reply.Text,
                stop = reply.StopReason?.ToString(),
                dropped_turns = reply.DroppedTurns,
            }));
        }
        else
        {
            output.WriteLine();
        }
        output.Flush();
    }

    public void Notice(string text) => notices.WriteLine(text);
}
