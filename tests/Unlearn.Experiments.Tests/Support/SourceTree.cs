// Locates files of this repository's source tree (build/Unlearn.proj, the tasks' build output, docs,
// experiments) from the test's output folder, for tests that check the repository itself.
namespace Unlearn.Experiments.Tests.Support;

public static class SourceTree
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: the configuration this test assembly was built with.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Unlearn.sln above {AppContext.BaseDirectory}.");
    }
}
