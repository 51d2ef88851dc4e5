// `unlearn gc [--dry-run]`: removes store entries no experiment references, unfinished builds' folders
// and trash, and memo lines of deleted files.
using System.CommandLine;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Store;

namespace Unlearn.Cli.Commands;

internal static class GcCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be removed; remove nothing." };
        var root = CommonOptions.Root();
        var command = new Command("gc", "Prune store entries that no experiment (its view or its file) references, leftovers of interrupted builds and orphaned lock files.") { dryRun, root };
        command.SetAction(result => Run(result.GetValue(dryRun), result.GetValue(root), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(bool dryRun, string? root, TextWriter output, TextWriter error) => CommandErrors.Guard(error, () =>
    {
        var repository = root ?? RepositoryLocator.Find(Environment.CurrentDirectory)
            ?? throw new GraphUsageException("Could not find the repository from the current folder; pass --root.");
        // Entries an experiment file resolves to are kept even when no view names them (a copy may have overwritten one).
        var resolved = ExperimentKeys.OfRepository(repository);
        foreach (var problem in resolved.Problems)
        {
            error.WriteLine($"unlearn gc: could not resolve {problem}; only its views protect its entries");
        }
        var report = GarbageCollector.Collect(repository, dryRun, resolved.Keys);
        var verb = dryRun ? "would remove" : "removed";
        foreach (var item in report.Removed)
        {
            output.WriteLine($"{verb} {item.What}: {item.Path} ({Mebibytes(item.Bytes)})");
        }
        foreach (var skipped in report.Skipped)
        {
            output.WriteLine($"skipped {skipped}");
        }
        output.WriteLine($"{report.Removed.Count} folder(s), {Mebibytes(report.Bytes)} {(dryRun ? "to free" : "freed")}; "
            + $"{report.ReferencedEntries} entries referenced by experiments kept; {report.LocksRemoved} orphaned lock file(s) {(dryRun ? "to remove" : "removed")}; "
            + $"{report.MemoEntriesDropped} stale memo line(s).");
        return ExitCodes.Success;
    });

    private static string Mebibytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0.0} MiB";
}
