// <CheckExpectations/>: the experiment's expect: block against its Evaluate metrics; prints the table and
// fails the build (one error per missed expectation) when any is missed.
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class CheckExpectations : UnlearnTask
{
    protected override bool Run()
    {
        // The same options as the stages it follows (build.sh's --set included), so it reads the metrics they wrote.
        var report = ExpectationRunner.Check(Options("Evaluate"));
        if (report.Rows.Count == 0)
        {
            High("Check: the experiment has no expect: block; nothing to check.");
            return true;
        }
        foreach (var line in report.ToTable().Split('\n'))
        {
            High(line);
        }
        foreach (var row in report.Rows.Where(r => !r.Passed))
        {
            Error("UL3001", $"Check: {row.Expectation.Key} = {row.ValueText} {row.IntervalText} is outside {row.Expectation.BoundText}{(row.Reason is null ? "" : $" ({row.Reason})")}");
        }
        High(report.Passed ? $"Check: all {report.Rows.Count} expectations met." : $"Check: {report.Failures} of {report.Rows.Count} expectations missed.");
        FailureExitCode = ExitCodes.CheckFailed;
        return report.Passed;
    }
}
