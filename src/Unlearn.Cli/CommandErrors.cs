// Runs a command body and turns exceptions into one line on stderr and a named exit code (ExitCodes), so a
// script sees "unlearn: <what went wrong, where, what to do>" rather than a stack trace.
using Unlearn.Models.Formats;
using Unlearn.Tokenizers;

namespace Unlearn.Cli;

internal static class CommandErrors
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CommandLineException e)
        {
            Console.Error.WriteLine($"unlearn: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is ModelFormatException or TokenizerFormatException or FileNotFoundException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"unlearn: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("unlearn: cancelled");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"unlearn: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }
}

/// <summary>A command line that parsed but makes no sense (conflicting or missing options).</summary>
internal sealed class CommandLineException(string message) : Exception(message);
