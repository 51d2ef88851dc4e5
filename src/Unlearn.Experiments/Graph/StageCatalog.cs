// The stages available to a build. Built-in stages are found in this assembly (every public,
// non-abstract IStage with a parameterless constructor), so adding a stage is adding its class.
// Extra assemblies can contribute stages too (a researcher's own stage, or the test stages): they are
// loaded into the same load context as this library so that they share its IStage type.
using System.Reflection;
using System.Runtime.Loader;

namespace Unlearn.Experiments.Graph;

public sealed class StageCatalog
{
    /// <summary>The stage order of the experiment graph (DESIGN.md §2); it is also the display order.</summary>
    public static IReadOnlyList<string> GraphOrder { get; } =
        ["BuildExamples", "CacheActivations", "TrainSae", "Saliency", "Direction", "PruneVocab", "Repair", "Evaluate"];

    private readonly Dictionary<string, IStage> byName = new(StringComparer.Ordinal);

    public StageCatalog(IEnumerable<IStage> stages)
    {
        foreach (var stage in stages)
        {
            if (!byName.TryAdd(stage.Name, stage))
            {
                throw new InvalidOperationException(
                    $"Two stages are named '{stage.Name}' ({byName[stage.Name].GetType().FullName} and {stage.GetType().FullName}).");
            }
        }
        Stages = byName.Values.OrderBy(OrderOf).ThenBy(s => s.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The stages built into this version of Unlearn.</summary>
    public static StageCatalog Default => new(StagesIn(typeof(IStage).Assembly));

    public IReadOnlyList<IStage> Stages { get; }

    /// <summary>Stage names a graph may mention: the graph order plus any extra stages.</summary>
    public IReadOnlyList<string> KnownNames => GraphOrder.Concat(Stages.Select(s => s.Name)).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The built-in stages plus those found in the given assemblies. A stage from an extra assembly replaces the
    /// built-in stage of the same name (a researcher's own Saliency, say); two extra stages may not share a name.
    /// </summary>
    public static StageCatalog Create(IEnumerable<string> extraAssemblyPaths)
    {
        var extra = new List<IStage>();
        foreach (var path in extraAssemblyPaths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            extra.AddRange(StagesIn(LoadAssembly(path)));
        }
        var replaced = new HashSet<string>(extra.Select(s => s.Name), StringComparer.Ordinal);
        return new StageCatalog(StagesIn(typeof(IStage).Assembly).Where(s => !replaced.Contains(s.Name)).Concat(extra));
    }

    public IStage? Find(string name) => byName.GetValueOrDefault(name);

    /// <exception cref="StageNotAvailableException">No implementation is registered for the name.</exception>
    public IStage Get(string name) => Find(name) ?? throw new StageNotAvailableException(name, Stages.Select(s => s.Name).ToArray());

    /// <summary>The stage and everything it depends on, upstream first, in graph order.</summary>
    public IReadOnlyList<IStage> ChainTo(string target)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        Visit(Get(target), needed, []);
        return Stages.Where(s => needed.Contains(s.Name)).ToArray();
    }

    /// <summary>What <paramref name="config"/>'s build of the target runs: the stages it reads for this experiment
    /// (<see cref="IStage.UpstreamOf"/>), upstream first, in graph order.</summary>
    /// <exception cref="StageNotInExperimentException">The experiment has no such stage.</exception>
    public IReadOnlyList<IStage> ChainTo(string target, Schema.ExperimentConfig config)
    {
        var stage = Get(target);
        if (!stage.IsPartOf(config))
        {
            throw new StageNotInExperimentException(stage, config.Name);
        }
        var needed = new HashSet<string>(StringComparer.Ordinal);
        Visit(stage, needed, [], config);
        return Stages.Where(s => needed.Contains(s.Name)).ToArray();
    }

    private void Visit(IStage stage, HashSet<string> needed, HashSet<string> path, Schema.ExperimentConfig? config = null)
    {
        if (!path.Add(stage.Name))
        {
            throw new InvalidOperationException($"Stage dependencies form a cycle through '{stage.Name}'.");
        }
        if (needed.Add(stage.Name))
        {
            foreach (var upstream in config is null ? stage.Upstream : stage.UpstreamOf(config))
            {
                Visit(Get(upstream), needed, path, config);
            }
        }
        path.Remove(stage.Name);
    }

    private static int OrderOf(IStage stage)
    {
        var index = GraphOrder.ToList().IndexOf(stage.Name);
        return index < 0 ? int.MaxValue : index;
    }

    private static IEnumerable<IStage> StagesIn(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IStage).IsAssignableFrom(t)
                && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IStage)Activator.CreateInstance(t)!);

    private static Assembly LoadAssembly(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The stage assembly '{fullPath}' does not exist.", fullPath);
        }
        var context = AssemblyLoadContext.GetLoadContext(typeof(IStage).Assembly) ?? AssemblyLoadContext.Default;
        var loaded = context.Assemblies.FirstOrDefault(a => !a.IsDynamic && string.Equals(a.Location, fullPath, StringComparison.Ordinal));
        return loaded ?? context.LoadFromAssemblyPath(fullPath);
    }
}

/// <summary>The experiment has no such stage (it is present only in experiments with a certain block).</summary>
public sealed class StageNotInExperimentException(IStage stage, string experiment)
    : Exception($"Experiment '{experiment}' has no {stage.Name} target: {stage.Name} is part of an experiment only when {(stage.PresentWhen.Length > 0 ? stage.PresentWhen : "its configuration asks for it")}.")
{
    public string Stage { get; } = stage.Name;
}

/// <summary>A stage the graph names has no implementation in this build.</summary>
public sealed class StageNotAvailableException(string stage, IReadOnlyList<string> available)
    : Exception($"Stage '{stage}' is not available in this build of Unlearn: no implementation is registered in the StageCatalog "
        + $"(available: {(available.Count == 0 ? "none yet" : string.Join(", ", available))}).")
{
    public string Stage { get; } = stage;
}
