// `unlearn verify EXPERIMENT`: re-hashes every artefact of the experiment against its manifest and
// reports every mismatch; exit code 1 on any.
using System.CommandLine;
using Unlearn.Experiments.Store;

namespace Unlearn.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create()
    {
        var experiment = CommonOptions.Experiment();
        var root = CommonOptions.Root();
        var command = new Command("verify", "Re-hash every artefact of an experiment against its manifest; exit 1 on any mismatch.")
        {
            experiment, root,
        };
        command.SetAction(result => Run(result.GetValue(experiment)!, result.GetValue(root),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string experiment, string? root, TextWriter output, TextWriter error) => CommandErrors.Guard(error, () =>
    {
        var report = ExperimentMaintenance.Verify(experiment, root);
        if (report.Stages.Count == 0)
        {
            output.WriteLine($"{report.Experiment}: nothing built yet, nothing to verify.");
            return ExitCodes.Success;
        }
        foreach (var stage in report.Stages)
        {
            var key = stage.Key.Length >= 12 ? stage.Key[..12] : stage.Key;
            output.WriteLine(stage.Problems.Count == 0
                ? $"{stage.Stage,-18} ok        {stage.OutputCount} files, {stage.Bytes} bytes  {key}"
                : $"{stage.Stage,-18} MISMATCH  {stage.Problems.Count} problem(s)  {key}");
            foreach (var problem in stage.Problems)
            {
                output.WriteLine($"  {problem}");
            }
        }
        output.WriteLine(report.Ok ? "All artefacts verify." : $"{report.ProblemCount} problem(s): the affected stages rerun on the next build.");
        return report.Ok ? ExitCodes.Success : ExitCodes.CheckFailed;
    });
}
