// `unlearn inspect DIR`: what an artefact folder is (a store entry or an experiment's view of a
// stage), the key document behind it, its outputs with sizes and digests, and whether they verify.
// `unlearn inspect FILE.gguf`: an exported GGUF's metadata (arrays summarised) and tensor table.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Unlearn.Experiments.Store;
using Unlearn.Models.Formats.Gguf;

namespace Unlearn.Cli.Commands;

internal static class InspectCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("artefact-dir")
        {
            Description = "A store entry (artifacts/cache/KEY), a stage view (artifacts/EXPERIMENT/STAGE), or a .gguf file.",
        };
        var command = new Command("inspect", "Describe an artefact folder: key document, outputs, digests, and whether they verify.") { directory };
        command.SetAction(result => Run(result.GetValue(directory)!, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string directory, TextWriter output, TextWriter error) => CommandErrors.Guard(error, () =>
    {
        if (directory.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && File.Exists(directory))
        {
            DescribeGguf(GgufFile.Open(directory), output);
            return ExitCodes.Success;
        }
        var report = ArtefactInspector.Inspect(directory);
        if (report.View is { } view)
        {
            output.WriteLine($"View of stage {view.Stage} in experiment {view.Experiment} ({view.ExperimentFile}), updated {view.UpdatedUtc:u}");
        }
        output.WriteLine($"Store entry: {report.EntryDirectory}");
        if (report.Problem is not null || report.Manifest is null)
        {
            output.WriteLine($"  {report.Problem}");
            return ExitCodes.CheckFailed;
        }
        var manifest = report.Manifest;
        output.WriteLine($"Stage {manifest.Stage} version {manifest.Version}, key {manifest.Key}");
        output.WriteLine($"Made {manifest.CreatedUtc:u} by Unlearn {manifest.ToolVersion} in {manifest.WallTimeSeconds.ToString(CultureInfo.InvariantCulture)} s, "
            + $"peak memory {manifest.PeakMemoryBytes / (1024 * 1024)} MiB ({manifest.PeakMemoryMethod})");
        if (manifest.Machine is { } machine)
        {
            output.WriteLine($"Machine: {machine.OperatingSystem}; {machine.Cpu}; {machine.Cores} cores; GEMM {machine.Gemm}, {machine.Threads} threads; {machine.Runtime}");
        }
        output.WriteLine("Key document:");
        output.WriteLine(JsonSerializer.Serialize(manifest.KeyDocument, new JsonSerializerOptions { WriteIndented = true }));
        output.WriteLine(report.KeyDocumentMatches ? "The key document hashes to the key." : "MISMATCH: the key document does not hash to the key.");
        output.WriteLine("Outputs:");
        foreach (var file in report.Outputs)
        {
            output.WriteLine($"  {file.Path,-32} {file.Size,12} bytes  sha256 {file.Sha256}  {file.Problem ?? "ok"}");
        }
        output.WriteLine(report.Verifies ? "Everything verifies." : "Some outputs do not match the manifest.");
        return report.Verifies ? ExitCodes.Success : ExitCodes.CheckFailed;
    });

    private static void DescribeGguf(GgufFile file, TextWriter output)
    {
        output.WriteLine($"GGUF v{file.Version}: {file.Metadata.Count} metadata entries, {file.Tensors.Count} tensors");
        foreach (var (key, value) in file.Metadata)
        {
            string shown = value.Value is object[] items
                ? $"[{items.Length} × {value.ElementType}]{(items.Length <= 8 ? " " + string.Join(", ", items) : "")}"
                : value.Value is string text && text.Length > 80 ? $"\"{text[..77]}...\" ({text.Length} chars)" : value.Value.ToString()!;
            output.WriteLine($"  {key,-44} {shown}");
        }
        foreach (var tensor in file.Tensors)
        {
            output.WriteLine($"  {tensor.Name,-32} {tensor.Type,-5} [{string.Join(", ", tensor.Dimensions)}]  {tensor.ByteLength} bytes");
        }
    }
}
