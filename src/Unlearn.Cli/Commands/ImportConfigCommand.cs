// `unlearn import-config FILE.json [-o out.yaml]`: converts the seed repository's JSON config into an
// experiment YAML (stdout by default), with comments on the seed behaviours it corrects.
using System.CommandLine;
using Unlearn.Experiments.Import;
using Unlearn.Experiments.IO;

namespace Unlearn.Cli.Commands;

internal static class ImportConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("seed-config") { Description = "The seed repository's JSON config (config-files/*.json)." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "Write the YAML here instead of to standard output." };
        var command = new Command("import-config", "Convert a seed-repository JSON config into an experiment YAML.") { file, outputPath };
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(outputPath), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string file, string? outputPath, TextWriter output, TextWriter error) => CommandErrors.Guard(error, () =>
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"The seed config '{file}' does not exist.", file);
        }
        var yaml = SeedConfigImporter.Convert(File.ReadAllText(file), Path.GetFileName(file));
        if (outputPath is null)
        {
            output.Write(yaml);
        }
        else
        {
            AtomicFile.WriteAllText(outputPath, yaml);
            error.WriteLine($"Wrote {outputPath}. Check the paths, then: ./build.sh --target Status --experiment {outputPath}");
        }
        return ExitCodes.Success;
    });
}
