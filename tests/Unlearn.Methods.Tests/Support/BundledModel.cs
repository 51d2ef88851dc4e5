// The repository's bundled default model (models/stories260K), found by walking up from the test binaries to
// the folder holding Unlearn.sln, loaded once and shared: LlamaModel serves concurrent forward calls.
using Unlearn.Models;

namespace Unlearn.Methods.Tests.Support;

public static class BundledModel
{
    private static readonly Lazy<PretrainedModel> Shared = new(() => PretrainedModel.Load(Folder));

    public static string Folder => Path.Combine(RepositoryRoot(), "models", "stories260K");

    public static PretrainedModel Stories260K => Shared.Value;

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new DirectoryNotFoundException($"No Unlearn.sln above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
