// Locates the committed fixtures (copied to the test output folder, see the .csproj) and provides
// throw-away temporary folders. Tests read nothing outside the repository: everything they need is under Data/.
namespace Unlearn.Models.Tests;

internal static class TestData
{
    /// <summary>Absolute path of a file or folder under Data/.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Data", .. parts]);

    public static string GoldenModel(string name) => Path("golden", name);
}

/// <summary>A fresh empty folder under the system temp folder, deleted on Dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        FullPath = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "unlearn-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(FullPath);
    }

    public string FullPath { get; }

    public string File(string name) => System.IO.Path.Combine(FullPath, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(FullPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; do not mask the test's own outcome.
        }
    }
}
