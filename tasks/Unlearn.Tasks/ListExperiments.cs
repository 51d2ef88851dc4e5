// <ListExperiments/>: the experiments of the repository (name, file, description) and the targets of the graph, with
// which stages this build implements.
using Unlearn.Experiments.Loading;

namespace Unlearn.Tasks;

public sealed class ListExperiments : UnlearnTask
{
    protected override bool Run()
    {
        High("Experiments (./build.sh --experiment NAME):");
        var experiments = ExperimentCatalog.List(RepositoryRoot);
        var width = experiments.Count == 0 ? 0 : experiments.Max(e => e.Name.Length);
        foreach (var experiment in experiments)
        {
            High($"  {experiment.Name.PadRight(width)}  {experiment.File}");
            if (experiment.Description is { Length: > 0 } description)
            {
                High($"  {new string(' ', width)}  {description}");
            }
        }
        var catalog = Catalog();
        High("Targets (./build.sh --target NAME):");
        foreach (var stage in catalog.KnownNames)
        {
            var implemented = catalog.Find(stage);
            var after = implemented is null || implemented.Upstream.Count == 0 ? "" : $" (after {string.Join(", ", implemented.Upstream)})";
            var when = implemented is { PresentWhen.Length: > 0 } ? $"; only when {implemented.PresentWhen}" : "";
            High($"  {stage,-18}{(implemented is null ? "not available in this build" : "stage")}{after}{when}");
        }
        High("  Check             Evaluate, then the experiment's expect: bounds against its metrics");
        High("  Status            what would rerun and why");
        High("  Verify            re-hash every artefact against its manifest");
        High("  Clean             remove the experiment's view");
        High("  List              this list");
        High("  Test / Build      (build.sh only) run the tests / build the solution");
        return true;
    }
}
