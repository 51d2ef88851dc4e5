// `unlearn readme [--check]`: rewrites the generated blocks of README.md (<!-- BEGIN GENERATED: source --> …
// <!-- END GENERATED -->) from their sources — the default experiment's results table, the benchmark tables — or, with
// --check, fails (exit 1) naming each block that differs from what its source gives now. CI runs the check after
// building the default experiment, so the README's numbers cannot drift from what a build produces.
using System.CommandLine;
using Unlearn.Experiments.Docs;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Loading;

namespace Unlearn.Cli.Commands;

internal static class ReadmeCommand
{
    public static Command Create()
    {
        var check = new Option<bool>("--check") { Description = "Change nothing; exit 1 when a generated block differs from its source." };
        var file = new Option<string?>("--file") { Description = "The Markdown file (default: README.md at the repository root)." };
        var root = CommonOptions.Root();
        var command = new Command("readme", "Regenerate the README's generated blocks (results and benchmark tables) from their sources, or check them (--check).")
        {
            check, file, root,
        };
        command.SetAction(result => Run(result.GetValue(check), result.GetValue(file), result.GetValue(root),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(bool check, string? file, string? root, TextWriter output, TextWriter error) => CommandErrors.Guard(error, () =>
    {
        var repository = root ?? RepositoryLocator.Find(Environment.CurrentDirectory)
            ?? throw new GraphUsageException("Could not find the repository from the current folder; pass --root.");
        var path = Path.GetFullPath(file ?? Path.Combine(repository, "README.md"));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }
        var text = File.ReadAllText(path);
        IReadOnlyList<GeneratedBlock> blocks;
        string regenerated;
        try
        {
            blocks = GeneratedBlocks.Find(text);
            regenerated = GeneratedBlocks.Regenerate(text, source => GeneratedSources.Produce(source, repository));
        }
        catch (FormatException exception)
        {
            error.WriteLine($"unlearn readme: {path}: {exception.Message}");
            return ExitCodes.BadInput;
        }
        var fresh = GeneratedBlocks.Find(regenerated);
        var stale = blocks.Zip(fresh).Where(p => p.First.Content != p.Second.Content).ToList();
        var name = Path.GetRelativePath(repository, path);
        if (check)
        {
            foreach (var (old, now) in stale)
            {
                error.WriteLine($"{name}({old.Line}): the generated block '{old.Source}' differs from what its source gives now:");
                foreach (var line in old.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Except(now.Content.Split('\n')))
                {
                    error.WriteLine($"  - {line}");
                }
                foreach (var line in now.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Except(old.Content.Split('\n')))
                {
                    error.WriteLine($"  + {line}");
                }
            }
            if (stale.Count > 0)
            {
                error.WriteLine($"Regenerate with: ./unlearn readme");
                return ExitCodes.CheckFailed;
            }
            output.WriteLine($"{name}: {blocks.Count} generated block(s) match their sources.");
            return ExitCodes.Success;
        }
        if (stale.Count > 0)
        {
            AtomicFile.WriteAllText(path, regenerated);
        }
        output.WriteLine($"{name}: {stale.Count} of {blocks.Count} generated block(s) rewritten.");
        return ExitCodes.Success;
    });
}
