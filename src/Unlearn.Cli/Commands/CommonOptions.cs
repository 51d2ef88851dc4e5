// Options several verbs share.
using System.CommandLine;
using Unlearn.Backends.Torch;
using Unlearn.Models.Runtime;

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

    /// <summary>--backend managed|torch for the verbs that run a model (docs/backends.md).</summary>
    public static Option<string> Backend() => new("--backend")
    {
        Description = "Backend that runs the model: managed (the project's engine) or torch (LibTorch)",
        DefaultValueFactory = _ => ManagedRuntime.BackendName,
    };

    /// <summary>--device cpu|cuda[:N] (torch backend only).</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = "Device of the torch backend: cpu, cuda or cuda:N",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>The runtime factory the two options choose.</summary>
    public static IModelRuntimeFactory Runtime(ParseResult parse, Option<string> backend, Option<string> device)
    {
        try
        {
            return RuntimeSelection.Factory(parse.GetValue(backend)!, parse.GetValue(device)!);
        }
        catch (Exception e) when (e is ArgumentException or TorchBackendException)
        {
            throw new CommandLineException(e.Message.Replace("settings.backend", "--backend").Replace("settings.device", "--device"));
        }
    }
}
