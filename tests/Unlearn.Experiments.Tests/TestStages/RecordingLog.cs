// A build log that keeps every line, for tests that check what a build said.
using System.Collections.Concurrent;
using Unlearn.Experiments.Graph;

namespace Unlearn.TestStages;

public sealed class RecordingLog : IBuildLog
{
    private readonly ConcurrentQueue<(BuildLogLevel Level, string Message)> lines = new();

    public IReadOnlyList<(BuildLogLevel Level, string Message)> Lines => lines.ToArray();

    public void Write(BuildLogLevel level, string message) => lines.Enqueue((level, message));
}
