// ChatCommand, the loop: the banner, then read a message or a command, answer, repeat until /quit or end of input.
// Commands start with '/' (a message that starts with '/' is written '//…'); Ctrl+A (terminal) is /ablate.
using System.Globalization;
using Unlearn.Cli.Terminal;
using Unlearn.Experiments.Chat;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Variants;

namespace Unlearn.Cli.Commands;

internal static partial class ChatCommand
{
    private static readonly string[] HelpLines =
    [
        "  /ablate         switch the experiment's edits off (base answers) or back on; Ctrl+A does the same",
        "  /variant NAME   choose the variant whose edits are on (/variant alone lists them)",
        "  /reset          forget the conversation (the next reply is turn 0 again)",
        "  /seed N         set the seed S (each reply samples with S + its turn index)",
        "  /help           this list",
        "  /quit           leave (end of input, Ctrl+D, does too)",
        "  //text          send a message that starts with '/'",
    ];

    private static int Converse(ChatSession session, IChatConsole console)
    {
        foreach (var line in Banner(session, console.IsTerminal))
        {
            console.Notice(line);
        }
        string pending = "";
        while (true)
        {
            var input = console.Read($"[{session.ActiveVariant}]> ", pending);
            pending = "";
            switch (input.Kind)
            {
                case ChatInputKind.EndOfInput:
                    return ExitCodes.Success;
                case ChatInputKind.Interrupt:
                    continue;
                case ChatInputKind.Toggle:
                    ToggleEdits(session, console);
                    pending = input.Text;
                    continue;
            }
            string text = input.Text.TrimEnd('\r', '\n');
            if (text.Trim().Length == 0)
            {
                continue;
            }
            if (text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
            {
                if (!RunCommand(session, console, text.Trim()))
                {
                    return ExitCodes.Success;
                }
                continue;
            }
            Answer(session, console, text.StartsWith("//", StringComparison.Ordinal) ? text[1..] : text);
        }
    }

    private static void Answer(ChatSession session, IChatConsole console, string message)
    {
        ChatReply reply;
        var stop = console.StartReply();
        try
        {
            reply = session.Reply(message, console.ReplyText, stop);
        }
        catch (ChatTurnException e)
        {
            console.Notice(e.Message);
            return;
        }
        console.EndReply(message, reply);
        if (reply.DroppedTurns > 0)
        {
            console.Notice($"(the {reply.DroppedTurns} oldest exchange(s) were dropped to leave room for the reply in the model's {session.MaxPositions} positions)");
        }
    }

    /// <returns>False for /quit.</returns>
    private static bool RunCommand(ChatSession session, IChatConsole console, string line)
    {
        var words = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string argument = words.Length > 1 ? words[1] : "";
        switch (words[0])
        {
            case "/quit" or "/exit":
                return false;
            case "/ablate":
                ToggleEdits(session, console);
                break;
            case "/variant" when argument.Length == 0:
                console.Notice($"variant: {session.ChosenVariant} (edits {(session.EditsOn ? "on" : "off")}); variants: {string.Join(", ", VariantSession.VariantNames)}");
                break;
            case "/variant":
                try
                {
                    session.SwitchTo(argument);
                    console.Notice($"variant {session.ChosenVariant}, edits on: {session.ActiveDescription}");
                }
                catch (Exception e) when (e is VariantException or StageEntryMissingException)
                {
                    console.Notice(e.Message);
                }
                break;
            case "/reset":
                session.Reset();
                console.Notice(session.IsConversation ? "conversation cleared" : "nothing to clear: each message is continued on its own");
                break;
            case "/seed" when ulong.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var seed):
                session.Reseed(seed);
                console.Notice($"seed {seed}: the next reply samples with seed {session.NextSeed}");
                break;
            case "/seed":
                console.Notice($"/seed needs a whole number ≥ 0 (got '{argument}')");
                break;
            case "/help":
                console.Notice("commands:");
                foreach (var help in HelpLines)
                {
                    console.Notice(help);
                }
                break;
            default:
                console.Notice($"unknown command '{words[0]}'; /help lists the commands (start a message with // to send a leading '/')");
                break;
        }
        return true;
    }

    private static void ToggleEdits(ChatSession session, IChatConsole console)
    {
        if (!session.Toggle())
        {
            console.Notice($"the variant is base: there are no edits to toggle; choose one with /variant NAME ({string.Join(", ", VariantSession.VariantNames)})");
            return;
        }
        console.Notice(session.EditsOn
            ? $"edits on: {session.ActiveVariant} answers ({session.ActiveDescription})"
            : $"edits off: base answers (the unedited model; /ablate{(console.IsTerminal ? " or Ctrl+A" : "")} switches {session.ChosenVariant} back on)");
    }

    private static IEnumerable<string> Banner(ChatSession session, bool terminal)
    {
        var sampling = session.Settings.Sampling;
        yield return $"unlearn chat: experiment {session.Config.Name}, model {Path.GetFileName(session.Config.Model.FullPath.TrimEnd('/'))} ({session.MaxPositions} positions)";
        yield return session.IsConversation
            ? $"format: the {session.FormatName} chat template; the conversation accumulates (/reset clears it, the oldest turns are dropped when the context is full)"
            : "format: plain continuation (the model has no chat template): each message is continued on its own, with no history";
        yield return $"decoding, the same with the edits on and off: temperature {F(sampling.Temperature)}, top-k {sampling.TopK}, top-p {F(sampling.TopP)}, "
            + $"at most {session.Settings.MaxNewTokens} new tokens, seed {session.Settings.Seed}"
            + (session.IsConversation ? " + turn index" : " for every reply");
        yield return $"variant {session.ChosenVariant}: {session.ActiveDescription}";
        yield return session.ChosenVariant == ChatSession.BaseVariant
            ? "the variant is base: /variant NAME chooses one whose edits /ablate toggles; /help lists the commands"
            : $"{(terminal ? "Ctrl+A or /ablate" : "/ablate")} switches between {session.ChosenVariant} and base; /help lists the commands";
    }

    private static string F(float value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
