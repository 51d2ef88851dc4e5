// Options several verbs share.
using System.CommandLine;

namespace Unlearn.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string?> Root() => new("--root")
    {
        Description = "Repository root (default: found from the current folder upward).",
    };

    public static Argument<string> Experiment() => new("experiment")
    {
        Description = "Experiment name (experiments/NAME.yaml) or path to its YAML file.",
    };

    public static Option<string[]> StageAssemblies() => new("--stage-assembly")
    {
        Description = "Extra assembly with IStage implementations (repeatable).",
    };
}
