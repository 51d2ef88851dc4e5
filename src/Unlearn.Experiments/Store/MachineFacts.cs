// The machine summary recorded in manifests and the tool version: enough to tell, when two entries
// differ, whether they came from different hardware, runtimes or builds.
using System.Reflection;
using System.Runtime.InteropServices;
using Unlearn.Experiments.Graph;

namespace Unlearn.Experiments.Store;

internal static class MachineFacts
{
    private static readonly Lazy<string> CpuName = new(ReadCpuName);

    public static MachineSummary Describe(NumericsEnvironment numerics) => new(
        RuntimeInformation.OSDescription,
        CpuName.Value,
        Environment.ProcessorCount,
        numerics.Gemm,
        numerics.Threads,
        RuntimeInformation.FrameworkDescription);

    /// <summary>Informational version of this library (with the commit when the build knew it).</summary>
    public static string ToolVersion { get; } =
        typeof(MachineFacts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(MachineFacts).Assembly.GetName().Version?.ToString() ?? "unknown";

    private static string ReadCpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null && line.Contains(':'))
                {
                    return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
