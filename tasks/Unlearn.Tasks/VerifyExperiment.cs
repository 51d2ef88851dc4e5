// <VerifyExperiment/>: re-hashes every artefact of the experiment against its manifest; every
// mismatch is an error, so the build fails on any.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Store;

namespace Unlearn.Tasks;

public sealed class VerifyExperiment : UnlearnTask
{
    protected override bool Run()
    {
        var report = ExperimentMaintenance.Verify(Experiment, RepositoryRoot, CancellationToken);
        foreach (var stage in report.Stages)
        {
            High(stage.Problems.Count == 0
                ? $"{stage.Stage}: ok ({stage.OutputCount} files, {stage.Bytes} bytes, {stage.Key[..12]})"
                : $"{stage.Stage}: {stage.Problems.Count} problem(s) in {stage.Key[..Math.Min(12, stage.Key.Length)]}");
            foreach (var problem in stage.Problems)
            {
                Error("UL2004", $"{stage.Stage}: {problem}");
            }
        }
        if (report.Stages.Count == 0)
        {
            High($"{report.Experiment}: nothing built yet, nothing to verify");
        }
        FailureExitCode = ExitCodes.CheckFailed;
        return report.Ok;
    }
}
