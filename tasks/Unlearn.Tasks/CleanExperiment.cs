// <CleanExperiment/>: removes the experiment's view (artifacts/<experiment>/). The shared store is
// left alone: `unlearn gc` prunes entries no experiment references.
using Unlearn.Experiments.Store;

namespace Unlearn.Tasks;

public sealed class CleanExperiment : UnlearnTask
{
    protected override bool Run()
    {
        var removed = ExperimentMaintenance.Clean(Experiment, RepositoryRoot);
        High(removed is null ? "Nothing to clean." : $"Removed {removed} (store entries stay until `unlearn gc`).");
        return true;
    }
}
