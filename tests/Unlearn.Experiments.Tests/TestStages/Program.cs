// Worker entry point for the framework tests that need separate processes (a build killed midway,
// two builds at once):
//   Unlearn.TestStages run REPOSITORY_ROOT EXPERIMENT TARGET
// builds TARGET with the test stages and prints "OUTCOME <stage> <status> <key>" lines and the log.
using Unlearn.Experiments.Graph;
using Unlearn.TestStages;

if (args.Length != 4 || args[0] != "run")
{
    Console.Error.WriteLine("usage: Unlearn.TestStages run REPOSITORY_ROOT EXPERIMENT TARGET");
    return 2;
}
var graph = ExperimentGraph.Open(new GraphOptions
{
    Experiment = args[2],
    RepositoryRoot = args[1],
    Catalog = TestCatalog.Create(),
    Log = new ConsoleLog(),
    Numerics = TestCatalog.Numerics,
});
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
