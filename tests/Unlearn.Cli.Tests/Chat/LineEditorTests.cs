// The chat's key-by-key line editor on scripted keys (what Console.ReadKey gives for each key on a terminal): the
// line it returns and what it writes back to the terminal, including the ANSI redraw after an edit mid-line.
using Unlearn.Cli.Terminal;

namespace Unlearn.Cli.Tests.Chat;

public sealed class LineEditorTests
{
    private static ConsoleKeyInfo Char(char c) => new(c, ConsoleKey.NoName, false, false, false);

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0') => new(c, key, false, false, false);

    private static ConsoleKeyInfo Control(char letter) => new((char)(letter - 'a' + 1), ConsoleKey.A + (letter - 'a'), false, false, true);

    private static (ChatInput Input, string Written) Read(IEnumerable<ConsoleKeyInfo> keys, string initial = "", LineEditor? editor = null)
    {
        var queue = new Queue<ConsoleKeyInfo>(keys);
        var output = new StringWriter { NewLine = "\n" };
        editor ??= new LineEditor(queue.Dequeue, output);
        return (editor.Read("> ", initial), output.ToString());
    }

    private static IEnumerable<ConsoleKeyInfo> Typed(string text) => text.Select(Char);

    [Fact]
    public void Read_TypedWithBackspace_ReturnsTheCorrectedLineAndEchoesItKeyByKey()
    {
        var (input, written) = Read([.. Typed("abx"), Key(ConsoleKey.Backspace, '\x7f'), .. Typed("c"), Key(ConsoleKey.Enter, '\r')]);

        Assert.Equal(new ChatInput(ChatInputKind.Line, "abc"), input);
        Assert.Equal("> abx\b \bc\n", written);
    }

    [Fact]
    public void Read_InsertAfterLeftArrows_RedrawsTheLineAndPutsTheCursorBack()
    {
        var (input, written) = Read([.. Typed("ac"), Key(ConsoleKey.LeftArrow), .. Typed("b"), Key(ConsoleKey.Enter, '\r')]);

        Assert.Equal("abc", input.Text);
        Assert.Equal("> ac\r> ac\x1b[K\x1b[1D\r> abc\x1b[K\x1b[1D\n", written);
    }

    [Fact]
    public void Read_CtrlA_EndsAsAToggleKeepingWhatWasTyped_AndTheNextReadStartsWithIt()
    {
        var (toggle, _) = Read([.. Typed("Once"), Control('a')]);
        var (line, written) = Read([.. Typed(" upon"), Key(ConsoleKey.Enter, '\r')], toggle.Text);

        Assert.Equal(new ChatInput(ChatInputKind.Toggle, "Once"), toggle);
        Assert.Equal("Once upon", line.Text);
        Assert.Equal("> Once upon\n", written);
    }

    [Fact]
    public void Read_CtrlDOnAnEmptyLine_IsTheEndOfInput_ButDeletesUnderTheCursorOtherwise()
    {
        Assert.Equal(ChatInputKind.EndOfInput, Read([Control('d')]).Input.Kind);
        Assert.Equal("ac", Read([.. Typed("abc"), Key(ConsoleKey.LeftArrow), Key(ConsoleKey.LeftArrow), Control('d'), Key(ConsoleKey.Enter, '\r')]).Input.Text);
    }

    [Fact]
    public void Read_CtrlC_AbandonsTheLine()
    {
        var (input, written) = Read([.. Typed("abc"), Control('c')]);

        Assert.Equal(ChatInputKind.Interrupt, input.Kind);
        Assert.Equal("> abc^C\n", written);
    }

    [Fact]
    public void Read_UpArrow_RecallsTheEarlierLine()
    {
        var queue = new Queue<ConsoleKeyInfo>([.. Typed("first"), Key(ConsoleKey.Enter, '\r'), Key(ConsoleKey.UpArrow), .. Typed("!"), Key(ConsoleKey.Enter, '\r')]);
        var editor = new LineEditor(queue.Dequeue, TextWriter.Null);

        Assert.Equal("first", editor.Read("> ").Text);
        Assert.Equal("first!", editor.Read("> ").Text);
    }
}
