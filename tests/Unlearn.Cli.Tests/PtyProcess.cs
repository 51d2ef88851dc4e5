// Runs the real `unlearn` program in a pseudo-terminal, as a person at a terminal runs it: util-linux `script`
// (part of every Debian system, package bsdutils) opens the pty and forwards what the test writes to it as keystrokes;
// the test reads everything the program wrote to the terminal, waits for a prompt before typing, and strips the
// terminal codes (Clean) before comparing text. Not a terminal emulator: redraws are left as written.
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Unlearn.Cli.Tests;

internal sealed partial class PtyProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _reader;
    private int _mark;

    private PtyProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int count;
            while ((count = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (_output)
                {
                    _output.Append(buffer, 0, count);
                }
            }
        });
    }

    public static PtyProcess Start(params string[] arguments)
    {
        string command = "exec dotnet " + string.Join(' ', new[] { Path.Combine(AppContext.BaseDirectory, "unlearn.dll") }.Concat(arguments).Select(Quote));
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = CliProcess.RepositoryRoot,
        };
        // -q no banner, -f flush at once, -e the program's exit code, -c the command, /dev/null no transcript file.
        foreach (var argument in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TERM"] = "xterm";
        return new PtyProcess(Process.Start(start)!);
    }

    /// <summary>Everything written to the terminal so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Types <paramref name="keys"/> ("\r" is Enter, "\x01" Ctrl+A, "\x04" Ctrl+D).</summary>
    public void Send(string keys)
    {
        _process.StandardInput.Write(keys);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until <paramref name="text"/> appears after what the previous wait consumed, and returns what was
    /// written before it since then.</summary>
    public string WaitFor(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            string output = Output;
            int found = output.IndexOf(text, _mark, StringComparison.Ordinal);
            if (found >= 0)
            {
                string before = output[_mark..found];
                _mark = found + text.Length;
                return before;
            }
            if (DateTime.UtcNow > deadline || _process.HasExited && _reader.IsCompleted)
            {
                throw new TimeoutException($"'{text}' did not appear on the terminal; it shows:\n{Clean(output[_mark..])}");
            }
            Thread.Sleep(20);
        }
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"unlearn did not exit; the terminal shows:\n{Clean(Output)}");
        }
        _reader.Wait(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    /// <summary>The text without terminal codes (CSI sequences, keypad mode switches) and with "\r\n" as "\n".</summary>
    public static string Clean(string terminal) => TerminalCodes().Replace(terminal, "").Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>True when the text holds an escape character.</summary>
    public static bool HasTerminalCodes(string text) => text.Contains('\x1b', StringComparison.Ordinal);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[A-Za-z]|[=>])")]
    private static partial Regex TerminalCodes();
}
