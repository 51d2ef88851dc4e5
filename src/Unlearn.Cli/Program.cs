// Entry point of the `unlearn` command. Each verb lives in its own *Command.cs file under Commands/;
// this file only assembles them and maps what goes wrong to the exit codes of docs/cli.md: a command line that does
// not parse is a usage error (2, with the parser's message and no stack trace), a failure nothing else caught is an
// internal error (4).
using System.CommandLine;
using Unlearn.Cli;

var root = new RootCommand("Unlearn: experiment-as-code concept suppression for Llama-family models. Exit codes: 0 success, 1 a check failed, 2 usage error, 3 bad input, 4 internal error (docs/cli.md).");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"unlearn: {error.Message}");
    }
    var verb = parse.CommandResult.Command == root ? "" : $" {parse.CommandResult.Command.Name}";
    Console.Error.WriteLine($"Run 'unlearn{verb} --help' for usage.");
    return ExitCodes.UsageError;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception exception) when (exception is not OutOfMemoryException)
{
    Console.Error.WriteLine(CommandErrors.InternalError(exception));
    return ExitCodes.RuntimeFailure;
}
