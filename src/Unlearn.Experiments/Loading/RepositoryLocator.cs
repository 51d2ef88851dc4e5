// Finds the repository root: the nearest folder, from a start folder upward, that holds a ".git"
// entry or Unlearn.sln. The root bounds the paths an experiment may use and holds artifacts/.
namespace Unlearn.Experiments.Loading;

public static class RepositoryLocator
{
    public static string? Find(string startDirectory)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".git")) || File.Exists(Path.Combine(directory.FullName, ".git"))
                || File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
            {
                return directory.FullName;
            }
        }
        return null;
    }

    /// <summary>
    /// The experiment file for a name ("chair-3B" → experiments/chair-3B.yaml) or a path (anything
    /// with a '/' or a .yaml/.yml suffix, relative to the repository root).
    /// </summary>
    public static string ResolveExperiment(string nameOrPath, string repositoryRoot)
    {
        var looksLikePath = nameOrPath.Contains('/') || nameOrPath.Contains('\\')
            || nameOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || nameOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        if (looksLikePath)
        {
            return Path.GetFullPath(Path.IsPathRooted(nameOrPath) ? nameOrPath : Path.Combine(repositoryRoot, nameOrPath));
        }
        return Path.Combine(repositoryRoot, "experiments", nameOrPath + ".yaml");
    }

    /// <summary>Names of the experiments in the repository's experiments/ folder.</summary>
    public static IReadOnlyList<string> ListExperiments(string repositoryRoot)
    {
        var folder = Path.Combine(repositoryRoot, "experiments");
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];
    }
}
