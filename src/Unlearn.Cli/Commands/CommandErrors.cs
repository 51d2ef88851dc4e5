// Maps library exceptions to the `unlearn` exit codes and prints them the way compilers do, so an
// experiment error reads "experiments/x.yaml(12,5): error UL1001: ..." in any terminal.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Import;
using Unlearn.Experiments.Store;

namespace Unlearn.Cli.Commands;

internal static class CommandErrors
{
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
        catch (GraphUsageException exception)
        {
            error.WriteLine($"error: {exception.Message}");
            return ExitCodes.UsageError;
        }
        catch (Exception exception) when (exception is SeedConfigException or StageNotAvailableException or ExternalInputException or FileNotFoundException)
        {
            error.WriteLine($"error: {exception.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is StoreException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {exception.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }
}
