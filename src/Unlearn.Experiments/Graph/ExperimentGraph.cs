// An experiment compiled into its stage graph: the validated config, the available stages, and
// the content key of each stage computed before anything runs (a Merkle key: a stage's key includes
// its upstream stages' keys). Running is in ExperimentGraph.Run.cs, Status in .Status.cs.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Hashing;
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Store;

namespace Unlearn.Experiments.Graph;

public sealed partial class ExperimentGraph
{
    private readonly Dictionary<string, (string Key, JsonObject Document)> keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> force;
    private readonly GraphOptions options;
    private readonly ArtifactStore store;

    private ExperimentGraph(GraphOptions options, LoadedExperiment loaded, StageCatalog catalog, string repositoryRoot)
    {
        this.options = options;
        Config = loaded.Config;
        Warnings = loaded.Warnings;
        Blocked = loaded.Blocked;
        Catalog = catalog;
        Layout = new ArtifactLayout(repositoryRoot);
        store = new ArtifactStore(Layout, new HashMemo(Layout.MemoPath));
        Numerics = options.Numerics ?? NumericsEnvironment.Resolve(Config.Settings);
        force = options.Force.ToHashSet(StringComparer.Ordinal);
    }

    public ExperimentConfig Config { get; }

    /// <summary>Warnings found while loading the experiment.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    /// <summary>Problems with inputs that stop the stages reading them (only when opened for <see cref="GraphPurpose.Status"/>).</summary>
    public IReadOnlyList<Diagnostic> Blocked { get; }

    public StageCatalog Catalog { get; }

    public ArtifactLayout Layout { get; }

    public NumericsEnvironment Numerics { get; }

    public HashMemo Memo => store.Memo;

    /// <summary>Loads and validates the experiment and prepares its graph. Nothing runs yet.</summary>
    /// <exception cref="ExperimentException">The experiment file has errors.</exception>
    /// <exception cref="GraphUsageException">An unknown stage was forced, or no repository was found.</exception>
    /// <exception cref="StageNotAvailableException">The target has no implementation.</exception>
    public static ExperimentGraph Open(GraphOptions options)
    {
        var catalog = options.Catalog ?? StageCatalog.Default;
        foreach (var name in options.Force)
        {
            if (!catalog.KnownNames.Contains(name))
            {
                throw new GraphUsageException(
                    $"--force {name}: no stage of that name.{Suggestions.DidYouMean(name, catalog.KnownNames)} Stages: {string.Join(", ", catalog.KnownNames)}.");
            }
        }
        IReadOnlySet<string>? scope = options.Target is { } target
            ? catalog.ChainTo(target).Select(s => s.Name).ToHashSet(StringComparer.Ordinal)
            : null;
        var (root, yaml) = ExperimentLocation.Resolve(options.Experiment, options.RepositoryRoot);
        var loaded = ExperimentLoader.Load(yaml, new LoadOptions
        {
            RepositoryRoot = root,
            AllowOutside = options.AllowOutside,
            Stages = scope,
            Overrides = options.Overrides,
            CheckContents = options.Purpose != GraphPurpose.Build,
            InputProblemsBlock = options.Purpose == GraphPurpose.Status,
        });
        return new ExperimentGraph(options, loaded, catalog, root);
    }

    /// <summary>
    /// Computes the key of the target and of every stage it depends on, hashing every input they read, so that a missing,
    /// unreadable or out-of-repository input fails now, before the first stage computes anything.
    /// </summary>
    /// <exception cref="ExternalInputException">An input cannot be listed or read, or leads outside the repository.</exception>
    public void CheckInputs(string target)
    {
        try
        {
            foreach (var stage in Catalog.ChainTo(target, Config))
            {
                Compute(stage);
            }
        }
        finally
        {
            store.Memo.Save();
        }
    }

    /// <summary>The content key of a stage (64 hex characters), computed without running anything.</summary>
    public string KeyOf(string stage) => Compute(Catalog.Get(stage)).Key;

    /// <summary>The key document behind <see cref="KeyOf"/>.</summary>
    public JsonObject KeyDocumentOf(string stage) => (JsonObject)Compute(Catalog.Get(stage)).Document.DeepClone();

    private (string Key, JsonObject Document) Compute(IStage stage)
    {
        if (keys.TryGetValue(stage.Name, out var known))
        {
            return known;
        }
        var upstreamKeys = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var upstream in stage.UpstreamOf(Config))
        {
            upstreamKeys[upstream] = Compute(Catalog.Get(upstream)).Key;
        }
        var inputs = new SortedDictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var input in stage.ExternalInputs(Config))
        {
            if (inputs.ContainsKey(input.Name))
            {
                throw new InvalidOperationException($"{stage.Name} declares the external input '{input.Name}' twice.");
            }
            var digests = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in input.Files)
            {
                digests[file.Name] = DigestOf(stage, input, file);
            }
            inputs[input.Name] = digests;
        }
        var settings = KeyDocument.Settings(stage.Settings, Config.Seed, Numerics);
        var document = KeyDocument.Build(stage, stage.KeySection(Config), upstreamKeys, inputs, settings);
        var computed = (KeyDocument.KeyOf(document), document);
        keys[stage.Name] = computed;
        return computed;
    }

    private string DigestOf(IStage stage, ExternalInput input, ExternalFile file)
    {
        try
        {
            if (!options.AllowOutside && RealPath.EscapesTo(file.FullPath, Config.RepositoryRoot) is { } real)
            {
                // A file inside a folder the experiment names (the model, the evaluation data) may itself be a link.
                throw new ExternalInputException(input.Name, file.FullPath,
                    $"{stage.Name}: its input '{input.Name}' ({Path.GetRelativePath(Config.RepositoryRoot, file.FullPath)}) is a symbolic link to '{real}', "
                    + "outside the repository; copy the file into the repository, or allow it explicitly (--allow-outside, or -p:AllowOutside=true).");
            }
            return store.Memo.Sha256(file.FullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ExternalInputException(input.Name, file.FullPath,
                $"{stage.Name}: cannot read its input '{input.Name}' ({file.FullPath}): {exception.Message}");
        }
    }

    /// <summary>Why the key differs from the one this experiment used last time ("" when it does not).</summary>
    private string ChangeReason(StageView? view, string key, JsonObject document)
    {
        if (view is null)
        {
            return "no previous run";
        }
        if (view.Key == key)
        {
            return "";
        }
        var changes = KeyDiff.Describe(view.KeyDocument, document, (stage, oldKey, newKey) => RootCauses(stage, oldKey, newKey, depth: 0));
        return changes.Count == 0 ? "key changed" : KeyDiff.Summarise(changes);
    }

    /// <summary>
    /// The root causes of an upstream key change, each tagged with the stage whose own key document holds it, from the
    /// upstream's previous key document (its view, when not yet updated, or the manifest of its previous entry). Null
    /// when neither is available.
    /// </summary>
    private IReadOnlyList<KeyChange>? RootCauses(string stageName, string oldKey, string newKey, int depth)
    {
        var stage = Catalog.Find(stageName);
        if (stage is null || depth > 8)
        {
            return null;
        }
        var (currentKey, currentDocument) = Compute(stage);
        if (currentKey != newKey)
        {
            return null;
        }
        var previous = PreviousDocument(stageName, oldKey);
        if (previous is null)
        {
            return null;
        }
        var causes = KeyDiff.Causes(previous, currentDocument, (s, o, n) => RootCauses(s, o, n, depth + 1), via: stageName);
        return causes.Count == 0 ? null : causes;
    }

    private JsonObject? PreviousDocument(string stageName, string key)
    {
        var view = StageView.TryRead(Layout.ViewPath(Config.Name, stageName));
        if (view?.Key == key)
        {
            return view.KeyDocument;
        }
        var manifestPath = Layout.ManifestPath(key);
        if (!File.Exists(manifestPath))
        {
            return null;
        }
        try
        {
            return Manifest.Read(manifestPath).KeyDocument;
        }
        catch (Exception exception) when (exception is StoreException or IOException)
        {
            return null;
        }
    }

    private StageView? ReadView(string stageName) => StageView.TryRead(Layout.ViewPath(Config.Name, stageName));
}
