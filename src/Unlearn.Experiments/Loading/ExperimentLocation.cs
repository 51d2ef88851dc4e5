// Turns "chair-3B" or "experiments/x.yaml" plus an optional repository root into the root and the
// YAML file, with a helpful error when either cannot be found.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;

namespace Unlearn.Experiments.Loading;

public static class ExperimentLocation
{
    /// <exception cref="GraphUsageException">No repository root could be found.</exception>
    /// <exception cref="ExperimentException">The experiment file does not exist.</exception>
    public static (string RepositoryRoot, string YamlPath) Resolve(string experiment, string? repositoryRoot)
    {
        var root = repositoryRoot is { Length: > 0 }
            ? Path.GetFullPath(repositoryRoot)
            : RepositoryLocator.Find(Environment.CurrentDirectory)
              ?? throw new GraphUsageException(
                  $"Could not find the repository (a folder with .git or Unlearn.sln) from '{Environment.CurrentDirectory}'; run from inside it or pass the root explicitly.");
        var yaml = RepositoryLocator.ResolveExperiment(experiment, root);
        if (!File.Exists(yaml))
        {
            var known = RepositoryLocator.ListExperiments(root);
            var hint = Suggestions.DidYouMean(experiment, known);
            var list = known.Count > 0 ? $" Experiments: {string.Join(", ", known)}." : "";
            throw new ExperimentException(
            [
                new Diagnostic(DiagnosticSeverity.Error, yaml, 0, 0, DiagnosticCodes.MissingFile, "",
                    $"No experiment '{experiment}': '{yaml}' does not exist.{hint}{list}"),
            ]);
        }
        return (root, yaml);
    }
}
