// Runs a command body and turns exceptions into messages on stderr and a named exit code (ExitCodes), so a
// script sees "unlearn: <what went wrong, where, what to do>" rather than a stack trace. Experiment diagnostics
// print the way compilers do ("experiments/x.yaml(12,5): error UL1001: ..."), clickable in any terminal.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Import;
using Unlearn.Experiments.Store;
using Unlearn.Models.Formats;
using Unlearn.Tokenizers;

namespace Unlearn.Cli;

internal static class CommandErrors
{
    /// <summary>Runs a command body writing errors to the process's stderr.</summary>
    public static int Run(Func<int> body) => Guard(Console.Error, body);

    /// <summary>Runs a command body; known failures become a message on <paramref name="error"/> and an exit code.</summary>
    public static int Guard(TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ExperimentException exception)
        {
            foreach (var diagnostic in exception.Diagnostics)
            {
                error.WriteLine(diagnostic.ToString());
            }
            return ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is CommandLineException or GraphUsageException)
        {
            error.WriteLine($"unlearn: {exception.Message}");
            return ExitCodes.UsageError;
        }
        catch (Exception exception) when (exception is BadInputException or ModelFormatException or TokenizerFormatException or SeedConfigException
            or StageNotAvailableException or ExternalInputException or FileNotFoundException or DirectoryNotFoundException
            or Unlearn.Methods.Probing.ProbeDataException or Unlearn.Numerics.Gemm.GemmConfigurationException
            or Unlearn.Evaluation.EvaluationException or Unlearn.Evaluation.EvaluationDataException
            or Unlearn.Methods.FineTuning.DatasetFormatException)
        {
            error.WriteLine($"unlearn: {exception.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is StoreException or IOException or UnauthorizedAccessException
            or ArgumentException or InvalidOperationException or Unlearn.Backends.Torch.TorchBackendException)
        {
            error.WriteLine($"unlearn: {exception.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            error.WriteLine(InternalError(exception));
            return ExitCodes.RuntimeFailure;
        }
    }

    /// <summary>The message for a failure no handler expected: what it said, and that it is a bug (no stack trace, no type names).</summary>
    public static string InternalError(Exception exception) =>
        $"unlearn: internal error: {exception.Message.Trim()} (this is a bug in Unlearn; please report it with the command line that caused it)";
}

/// <summary>A command line that parsed but makes no sense (conflicting or missing options).</summary>
internal sealed class CommandLineException(string message) : Exception(message);

/// <summary>An input the command was given (a file's content, an option's value) cannot be used.</summary>
internal sealed class BadInputException(string message) : Exception(message);
