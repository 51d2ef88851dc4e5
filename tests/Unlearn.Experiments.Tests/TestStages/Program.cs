// Worker entry point for framework tests and benchmarks that need a separate process:
//   Unlearn.TestStages run  REPOSITORY_ROOT EXPERIMENT TARGET   build TARGET; print "OUTCOME <stage> <status> <key>" lines
//   Unlearn.TestStages noop REPOSITORY_ROOT EXPERIMENT TARGET   time an already up-to-date build the way MSBuild drives it
//                                                             (Open + RunStage per stage); print "NOOP_MS <total>"
using System.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.TestStages;

if (args.Length != 4 || args[0] is not ("run" or "noop"))
{
    Console.Error.WriteLine("usage: Unlearn.TestStages run|noop REPOSITORY_ROOT EXPERIMENT TARGET");
    return 2;
}
GraphOptions Options(string? target) => new()
{
    Experiment = args[2],
    RepositoryRoot = args[1],
    Catalog = TestCatalog.Create(),
    Log = new ConsoleLog(),
    Numerics = TestCatalog.Numerics,
    Target = target,
};
if (args[0] == "noop")
{
    var clock = Stopwatch.StartNew();
    var chain = TestCatalog.Create().ChainTo(args[3]);
    foreach (var stage in chain)
    {
        // One MSBuild RunStage task per stage: each opens the experiment afresh.
        var stageClock = Stopwatch.StartNew();
        var outcome = ExperimentGraph.Open(Options(stage.Name)).RunStage(stage.Name);
        Console.WriteLine($"NOOP_STAGE {stage.Name} {stageClock.Elapsed.TotalMilliseconds:0.0}");
        if (outcome.Status != StageStatus.UpToDate)
        {
            Console.Error.WriteLine($"{outcome.Stage} was {outcome.StatusText} ({outcome.Reason}), not up to date");
            return 1;
        }
    }
    Console.WriteLine($"NOOP_MS {clock.Elapsed.TotalMilliseconds:0.0} STAGES {chain.Count}");
    return 0;
}
var graph = ExperimentGraph.Open(Options(args[3]));
try
{
    foreach (var outcome in graph.Run(args[3]))
    {
        Console.WriteLine($"OUTCOME {outcome.Stage} {outcome.Status} {outcome.Key}");
    }
    return 0;
}
catch (StageFailedException exception)
{
    Console.WriteLine($"OUTCOME {exception.Outcome.Stage} {exception.Outcome.Status} {exception.Outcome.Key}");
    return 1;
}

internal sealed class ConsoleLog : IBuildLog
{
    public void Write(BuildLogLevel level, string message) => Console.WriteLine($"LOG {level} {message}");
}
