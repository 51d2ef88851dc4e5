// A recipe builds the model-generated files of an experiment's evaluation data, reproducibly: the same model
// weights (on the same GEMM provider) give byte-identical files on every run. `unlearn make-data NAME` runs one.
using Unlearn.Models;

namespace Unlearn.Evaluation.Data.Recipes;

/// <summary>A file a recipe produced: its path relative to the data root (e.g. "play/background.jsonl") and its exact bytes.</summary>
public sealed record GeneratedFile(string Name, byte[] Content);

public interface IDataRecipe
{
    /// <summary>The name `unlearn make-data` takes, e.g. "play".</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Builds the files in memory (nothing is written); progress lines are for the caller to show.</summary>
    IReadOnlyList<GeneratedFile> Build(PretrainedModel model, IProgress<string>? progress = null, CancellationToken cancellationToken = default);
}

public static class DataRecipes
{
    public static IReadOnlyList<IDataRecipe> All { get; } = [new PlayDataRecipe(), new LilyDataRecipe()];

    /// <exception cref="ArgumentException">no recipe of that name (the message lists the known ones)</exception>
    public static IDataRecipe Find(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"No data recipe named '{name}'. Known: {string.Join(", ", All.Select(r => r.Name))}.");
}
