// Paths of the fixtures copied next to the tests (the bundled model and data/play), and the model loaded once.
using Unlearn.Models;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Evaluation.Tests.Support;

internal static class TestData
{
    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, "Data", "stories260K");

    public static string PlayFolder => Path.Combine(AppContext.BaseDirectory, "Data", "play");

    /// <summary>data/play-concept-def.json: the default experiment's concept definition (terms and the concept prompts).</summary>
    public static string PlayConceptDefinition => Path.Combine(AppContext.BaseDirectory, "Data", "play-concept-def.json");

    private static readonly Lazy<PretrainedModel> Shared = new(() => PretrainedModel.Load(ModelFolder, new ModelLoadOptions { Gemm = ManagedGemm.Instance }));

    /// <summary>stories260K on the managed GEMM, loaded once per test run (the model is read-only).</summary>
    public static PretrainedModel Model => Shared.Value;

    public static int PlayToken => Model.RequireTokenizer().TokenToId("▁play") ?? throw new InvalidOperationException("stories260K has no ▁play token");

    public static string TemporaryFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "unlearn-eval-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
