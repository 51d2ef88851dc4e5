// The experiments of a repository as a person wants to see them listed: each file in experiments/ with the name it
// declares (which names its artifacts/<name>/ folder and may differ from the file name) and its description. Only the
// YAML is read, so a listed experiment may still fail to load (a missing model); a file that is not even YAML is
// listed with the reason.
using Unlearn.Experiments.Diagnostics;

namespace Unlearn.Experiments.Loading;

/// <param name="Name">The experiment's `name:` (the file name when it has none).</param>
/// <param name="File">The YAML file, relative to the repository root.</param>
/// <param name="Description">Its `description:`, or why the file could not be read.</param>
public sealed record ExperimentEntry(string Name, string File, string? Description);

public static class ExperimentCatalog
{
    public static IReadOnlyList<ExperimentEntry> List(string repositoryRoot)
    {
        var entries = new List<ExperimentEntry>();
        foreach (var name in RepositoryLocator.ListExperiments(repositoryRoot))
        {
            var path = RepositoryLocator.ResolveExperiment(name, repositoryRoot);
            var file = Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/');
            try
            {
                var loaded = ExperimentLoader.Load(path, new LoadOptions { RepositoryRoot = repositoryRoot, AllowOutside = true, CheckFiles = false });
                entries.Add(new ExperimentEntry(loaded.Config.Name, file, loaded.Config.Description?.Trim()));
            }
            catch (ExperimentException exception)
            {
                var first = exception.Errors.FirstOrDefault();
                entries.Add(new ExperimentEntry(NameCollisions.NameIn(path) ?? name, file, $"(cannot be loaded: {first?.Message})"));
            }
        }
        return entries;
    }
}
