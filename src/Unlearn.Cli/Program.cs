// Entry point of the `unlearn` command. Each verb lives in its own *Command.cs file under Commands/;
// this file only assembles them.
using System.CommandLine;
using Unlearn.Cli;

var root = new RootCommand("Unlearn: experiment-as-code concept suppression for Llama-family models.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
