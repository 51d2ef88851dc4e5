// `unlearn sweep EXPERIMENT --axis KEY=V1|V2|… [--axis …] [--set KEY=VALUE] [--out FILE.md]`: builds the experiment at
// every point of the grid (each point its own experiment name, store entries shared) and writes the comparison of the
// scored variant with the random control as a Markdown table (docs/sweeps/*.md are made this way).
using System.CommandLine;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Sweeps;

namespace Unlearn.Cli.Commands;

internal static class SweepCommand
{
    public static Command Create()
    {
        var experiment = CommonOptions.Experiment();
        var root = CommonOptions.Root();
        var axes = new Option<string[]>("--axis") { Description = "A grid axis: KEY=V1|V2|… (YAML values separated by '|'; repeatable).", Required = true };
        var set = new Option<string[]>("--set") { Description = "KEY=VALUE set at every point before the axes (repeatable)." };
        var variant = new Option<string>("--variant") { Description = "The variant compared with the control.", DefaultValueFactory = _ => "concept" };
        var control = new Option<string>("--control") { Description = "The control variant.", DefaultValueFactory = _ => "random" };
        var title = new Option<string?>("--title") { Description = "Heading of the Markdown document." };
        var output = new Option<string?>("--out") { Description = "Write the Markdown table here (default: standard output)." };
        var command = new Command("sweep", "Build an experiment at every point of a grid of settings and compare a variant with its control.")
        {
            experiment, root, axes, set, variant, control, title, output,
        };
        command.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var log = parse.InvocationConfiguration.Error;
            var parsedAxes = Parse(parse.GetValue(axes) ?? [], SweepAxis.Parse);
            var overrides = Parse(parse.GetValue(set) ?? [], ExperimentOverride.Parse);
            string name = parse.GetValue(experiment)!;
            string compared = parse.GetValue(variant)!;
            string baseline = parse.GetValue(control)!;
            var options = new SweepOptions
            {
                Graph = new GraphOptions { Experiment = name, RepositoryRoot = parse.GetValue(root), Overrides = overrides, Log = new ConsoleBuildLog(log) },
                Axes = parsedAxes,
                Variants = new[] { "base", compared, baseline }.Distinct().ToArray(),
            };
            var points = Sweep.Run(options, (i, n, settings) => log.WriteLine($"sweep: point {i}/{n}: {string.Join(", ", settings)}"));
            string commandLine = "unlearn sweep " + string.Join(" ", Environment.GetCommandLineArgs().Skip(2).Select(Quote));
            string markdown = SweepTable.Markdown(parse.GetValue(title) ?? $"Sweep of {name}: {compared} against {baseline}", commandLine, points,
                new SweepTableOptions { Variant = compared, Control = baseline });
            if (parse.GetValue(output) is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                File.WriteAllText(path, markdown);
                log.WriteLine($"sweep: wrote {path}");
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(markdown);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static List<T> Parse<T>(IEnumerable<string> texts, Func<string, T> parse)
    {
        try
        {
            return texts.Select(parse).ToList();
        }
        catch (ArgumentException exception)
        {
            throw new CommandLineException(exception.Message);
        }
    }

    private static string Quote(string argument) =>
        argument.Any(ch => char.IsWhiteSpace(ch) || ch is '|' or '[' or ']' or '{' or '}' or ',') ? $"\"{argument}\"" : argument;

    /// <summary>Stage decisions, info, progress and warnings as plain lines on standard error.</summary>
    internal sealed class ConsoleBuildLog(TextWriter writer) : IBuildLog
    {
        public void Write(BuildLogLevel level, string message)
        {
            if (level != BuildLogLevel.Detail)
            {
                writer.WriteLine(level == BuildLogLevel.Warning ? $"  warning: {message}" : $"  {message}");
            }
        }
    }
}
