// The store keys the experiment files of a repository resolve to right now: every stage of every experiments/*.yaml,
// computed exactly as a build would (inputs hashed through the memo, nothing run). `unlearn gc` keeps these entries
// even when no view points at them (a view can be overwritten, or removed by Clean), so it never deletes a result
// that the next build of some experiment would reuse.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Loading;

namespace Unlearn.Experiments.Graph;

/// <param name="Keys">Every key some experiment file resolves to.</param>
/// <param name="Problems">Experiments whose keys could not be computed (a missing model), with the reason.</param>
public sealed record ResolvedKeys(IReadOnlySet<string> Keys, IReadOnlyList<string> Problems);

public static class ExperimentKeys
{
    public static ResolvedKeys OfRepository(string repositoryRoot, StageCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var entry in ExperimentCatalog.List(repositoryRoot))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var graph = ExperimentGraph.Open(new GraphOptions
                {
                    Experiment = entry.File,
                    RepositoryRoot = repositoryRoot,
                    AllowOutside = true,
                    Catalog = catalog,
                    Purpose = GraphPurpose.Status,
                });
                foreach (var plan in graph.Status(cancellationToken).Where(p => p.Key.Length > 0))
                {
                    keys.Add(plan.Key);
                }
            }
            catch (Exception exception) when (exception is ExperimentException or GraphUsageException or ExternalInputException or IOException
                or Unlearn.Numerics.Gemm.GemmConfigurationException or Unlearn.Backends.Torch.TorchBackendException)
            {
                problems.Add($"{entry.File}: {FirstLine(exception.Message)}");
            }
        }
        return new ResolvedKeys(keys, problems);
    }

    private static string FirstLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 && lines[0].EndsWith(':') ? lines[1] : lines.FirstOrDefault() ?? text;
    }
}
