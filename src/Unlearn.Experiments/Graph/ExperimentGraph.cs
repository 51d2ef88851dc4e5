// An experiment compiled into its stage graph: the validated config, the available stages, and
// the content key of each stage computed before anything runs (a Merkle key: a stage's key includes
// its upstream stages' keys). Running is in ExperimentGraph.Run.cs, Status in .Status.cs.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Hashing;
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
        Catalog = catalog;
        Layout = new ArtifactLayout(repositoryRoot);
        store = new ArtifactStore(Layout, new HashMemo(Layout.MemoPath));
        Numerics = options.Numerics ?? NumericsEnvironment.Resolve(Config.Settings);
        force = options.Force.ToHashSet(StringComparer.Ordinal);
    }

    public ExperimentConfig Config { get; }

    /// <summary>Warnings found while loading the experiment.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

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
        var loaded = ExperimentLoader.Load(yaml, new LoadOptions { RepositoryRoot = root, AllowOutside = options.AllowOutside, Stages = scope, Overrides = options.Overrides });
        return new ExperimentGraph(options, loaded, catalog, root);
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
        foreach (var upstream in stage.Upstream)
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
        var changes = KeyDiff.Describe(view.KeyDocument, document, (stage, oldKey, newKey) => ExplainUpstream(stage, oldKey, newKey, depth: 0));
        return changes.Count == 0 ? "key changed" : KeyDiff.Summarise(changes);
    }

    /// <summary>
    /// The cause of an upstream key change, from the upstream's previous key document (its view, when
    /// not yet updated, or the manifest of its previous entry). Null when neither is available.
    /// </summary>
    private string? ExplainUpstream(string stageName, string oldKey, string newKey, int depth)
    {
        var stage = Catalog.Find(stageName);
        if (stage is null || depth > 4)
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
        var changes = KeyDiff.Describe(previous, currentDocument, (s, o, n) => ExplainUpstream(s, o, n, depth + 1));
        return changes.Count == 0 ? null : KeyDiff.Summarise(changes);
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
