// Where the tests' fixtures are (copied or linked into the output folder, see the .csproj), and a throw-away folder.
namespace Unlearn.Backends.Torch.Tests;

internal static class TestPaths
{
    public static string Data(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Data", .. parts]);

    /// <summary>The libLibTorchSharp.so the build copied into this test's output folder.</summary>
    public static string TorchSharpLibrary() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
}

internal sealed class TemporaryFolder : IDisposable
{
    public string FullPath { get; } = Directory.CreateTempSubdirectory("unlearn-torch-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(FullPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
