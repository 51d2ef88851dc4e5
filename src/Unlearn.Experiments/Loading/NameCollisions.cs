// Two experiment files with one `name:` would share artifacts/<name>/: the second silently takes over the first's
// results (and `unlearn gc` then sees the first's entries as unreferenced). A copied experiment that kept its name is
// refused, naming both files: every other experiments/*.yaml of the repository is checked, and so is the file that
// the name's views say they belong to (an experiment loaded by path, outside experiments/).
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Store;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unlearn.Experiments.Loading;

internal static class NameCollisions
{
    public static void Check(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        if (config.Name.Length == 0)
        {
            return;
        }
        var self = Path.GetFullPath(config.FilePath);
        var others = new List<string>();
        foreach (var file in Candidates(config))
        {
            var full = Path.GetFullPath(file);
            if (full != self && !others.Contains(full) && File.Exists(full) && NameIn(full) == config.Name)
            {
                others.Add(full);
            }
        }
        if (others.Count == 0)
        {
            return;
        }
        var names = string.Join(" and ", others.Select(o => Relative(config.RepositoryRoot, o)));
        diagnostics.Error(DiagnosticCodes.InvalidCombination, "name", sources.Locate("name"),
            $"'name' = '{config.Name}' is also the name of {names}. {Relative(config.RepositoryRoot, self)} and {names} would share artifacts/{config.Name}/ "
            + "and overwrite each other's results; give this experiment its own name (a copy of an experiment needs a new one).");
    }

    /// <summary>The top-level name: of an experiment file, or null when it has none or is not YAML.</summary>
    public static string? NameIn(string path)
    {
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }
            return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("name"), out var node) && node is YamlScalarNode { Value: { } name }
                ? name
                : null;
        }
        catch (Exception exception) when (exception is YamlException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Candidates(ExperimentConfig config)
    {
        var folder = Path.Combine(config.RepositoryRoot, "experiments");
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder).Where(IsYaml).Order(StringComparer.Ordinal))
            {
                yield return file;
            }
        }
        var layout = new ArtifactLayout(config.RepositoryRoot);
        var views = layout.ExperimentDirectory(config.Name);
        if (Directory.Exists(views))
        {
            foreach (var stage in Directory.EnumerateDirectories(views).Order(StringComparer.Ordinal))
            {
                if (StageView.TryRead(Path.Combine(stage, ArtifactLayout.ViewFileName)) is { ExperimentFile.Length: > 0 } view)
                {
                    yield return Path.Combine(config.RepositoryRoot, view.ExperimentFile);
                }
            }
        }
    }

    private static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
