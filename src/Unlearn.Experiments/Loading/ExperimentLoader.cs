// Loads an experiment YAML file into a validated ExperimentConfig, or throws ExperimentException with
// every problem found (file, line, column, code, message). Steps: parse YAML, bind to the schema,
// check the files it names, merge the concept definition, apply cross-field rules and derived
// defaults, make a stand-in model folder (stand-in.json) and check the experiment against the model's config.json.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unlearn.Experiments.Loading;

/// <param name="Warnings">Problems that do not stop the experiment (shown, then ignored).</param>
/// <param name="Blocked">With <see cref="LoadOptions.InputProblemsBlock"/>: the problems with inputs (missing or malformed
/// files, a model that does not fit) that stop the stages reading them; Status shows them as reasons. Empty otherwise.</param>
public sealed record LoadedExperiment(ExperimentConfig Config, SourceMap Sources, IReadOnlyList<Diagnostic> Warnings)
{
    public IReadOnlyList<Diagnostic> Blocked { get; init; } = [];
}

public static class ExperimentLoader
{
    private static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer.model", "tokenizer.tiktoken", "vocab.json"];

    /// <summary>Codes of problems with what a file holds or whether it exists, as opposed to the YAML itself.</summary>
    private static readonly HashSet<string> InputCodes =
        [DiagnosticCodes.MissingFile, DiagnosticCodes.BadReferencedFile, DiagnosticCodes.ModelMismatch, DiagnosticCodes.PathOutsideRepository];

    /// <exception cref="ExperimentException">The file is missing, malformed or inconsistent.</exception>
    public static LoadedExperiment Load(string yamlPath, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        var fullPath = Path.GetFullPath(yamlPath);
        var diagnostics = new DiagnosticBag(yamlPath);
        if (!File.Exists(fullPath))
        {
            diagnostics.Error(DiagnosticCodes.MissingFile, "", SourcePosition.None, $"The experiment file '{fullPath}' does not exist.");
            throw new ExperimentException(diagnostics.Items);
        }
        var root = options.RepositoryRoot is not null
            ? Path.GetFullPath(options.RepositoryRoot)
            : RepositoryLocator.Find(Path.GetDirectoryName(fullPath)!) ?? Path.GetDirectoryName(fullPath)!;
        var document = Parse(fullPath, diagnostics);
        if (document is null)
        {
            throw new ExperimentException(diagnostics.Items);
        }
        if (options.Overrides.Count > 0)
        {
            OverrideApplier.Apply((YamlMappingNode)document, options.Overrides, diagnostics);
        }
        var sources = new SourceMap(yamlPath);
        var binder = new YamlBinder(diagnostics, sources, new PathResolver(Path.GetDirectoryName(fullPath)!, root, options.AllowOutside));
        var config = (ExperimentConfig)binder.BindSection(document, ExperimentSchema.Root, "");
        config = config with { FilePath = fullPath, RepositoryRoot = root };
        if (options.CheckFiles)
        {
            CheckFiles(binder.FileChecks, options.Stages, diagnostics);
        }
        config = MergeConcept(config, options.CheckFiles, sources, diagnostics);
        config = ExperimentRules.Apply(config, sources, diagnostics);
        if (options.CheckFiles && !diagnostics.Items.Any(d => d.FieldPath == "model" && d.IsError))
        {
            StandInPreparer.Prepare(config, sources, diagnostics, options.AllowOutside);
        }
        if (options.CheckFiles && !diagnostics.Items.Any(d => d.FieldPath == "model" && d.IsError))
        {
            config = CheckModel(config, sources, diagnostics);
        }
        if (options.CheckFiles)
        {
            NameCollisions.Check(config, sources, diagnostics);
            ContentChecks.Requirements(config, sources, diagnostics, options.Stages, options.InputProblemsBlock);
        }
        if (options.CheckContents && !diagnostics.HasErrors)
        {
            ContentChecks.Apply(config, sources, diagnostics, options.Stages);
        }
        IReadOnlyList<Diagnostic> blocked = [];
        var items = diagnostics.Items;
        if (options.InputProblemsBlock)
        {
            blocked = items.Where(d => d.IsError && InputCodes.Contains(d.Code)).ToArray();
            items = items.Where(d => !blocked.Contains(d)).ToArray();
        }
        if (items.Any(d => d.IsError))
        {
            throw new ExperimentException(diagnostics.Items);
        }
        return new LoadedExperiment(config, sources, items) { Blocked = blocked };
    }

    private static YamlNode? Parse(string fullPath, DiagnosticBag diagnostics)
    {
        var text = File.ReadAllText(fullPath);
        var scanner = new Scanner(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException exception)
        {
            var (position, message) = YamlErrors.Describe(text, exception);
            diagnostics.Error(DiagnosticCodes.YamlSyntax, "", position, message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a position or a useful message) on some malformed plain scalars;
            // the scanner's own position is where it stopped.
            var mark = scanner.CurrentPosition;
            var (position, message) = YamlErrors.Describe(text, new SourcePosition((int)mark.Line, (int)mark.Column));
            diagnostics.Error(DiagnosticCodes.YamlSyntax, "", position, message);
            return null;
        }
        if (stream.Documents.Count != 1)
        {
            diagnostics.Error(DiagnosticCodes.YamlSyntax, "", new SourcePosition(1, 1),
                stream.Documents.Count == 0 ? "The experiment file is empty." : "The experiment file must hold one YAML document, not several ('---').");
            return null;
        }
        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, "", new SourcePosition((int)root.Start.Line, (int)root.Start.Column),
                "An experiment file must be a mapping of keys (name:, model:, concept:, ...).");
            return null;
        }
        return root;
    }

    private static void CheckFiles(IEnumerable<PendingFileCheck> checks, IReadOnlySet<string>? stages, DiagnosticBag diagnostics)
    {
        foreach (var check in checks)
        {
            var isFile = File.Exists(check.Path.FullPath);
            var isDirectory = Directory.Exists(check.Path.FullPath);
            string? problem = (check.Kind, isFile, isDirectory) switch
            {
                (_, false, false) => $"'{check.Path.Written}' does not exist (resolved to '{check.Path.FullPath}', relative to the experiment file's folder).",
                (PathKind.File, false, true) => $"'{check.Path.Written}' is a folder; a file is expected here.",
                (PathKind.Directory, true, false) => $"'{check.Path.Written}' is a file; a folder is expected here.",
                _ => null,
            };
            if (problem is null)
            {
                continue;
            }
            var neededBy = StagesReading(check.FieldPath);
            var needed = stages is null || neededBy is null || neededBy.Overlaps(stages);
            var message = $"'{check.FieldPath}': {problem}";
            if (check.FieldPath == "model" && !isFile && !isDirectory)
            {
                // The one input a user downloads: say what the folder must hold, not only that it is absent.
                message += " Put the model's Hugging Face folder there: config.json, the weights (model.safetensors, or the shards"
                    + " with model.safetensors.index.json) and the tokenizer (tokenizer.json, or tokenizer.model; tokenizer_config.json"
                    + " carries the chat template). The experiment file's header says which model to download.";
            }
            if (needed)
            {
                diagnostics.Error(DiagnosticCodes.MissingFile, check.FieldPath, check.Position, message);
            }
            else
            {
                diagnostics.Warning(DiagnosticCodes.MissingFile, check.FieldPath, check.Position,
                    $"{message} Ignored for now: only {string.Join(", ", neededBy!)} read it.");
            }
        }
    }

    /// <summary>The stages that read a top-level section, or null for every stage.</summary>
    internal static HashSet<string>? StagesReading(string fieldPath)
    {
        var top = fieldPath.Split('.', '[')[0];
        var readBy = ExperimentSchema.Root.Find(top)?.Key.ReadBy ?? "*";
        return readBy == "*" ? null : readBy.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }

    private static ExperimentConfig MergeConcept(ExperimentConfig config, bool checkFiles, SourceMap sources, DiagnosticBag diagnostics)
    {
        var concept = config.Concept;
        IReadOnlyList<string> fileTerms = [];
        IReadOnlyList<string> filePrompts = [];
        foreach (var (term, index) in concept.Terms.Select((t, i) => (t, i)))
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                diagnostics.Error(DiagnosticCodes.OutOfRange, $"concept.terms[{index}]", sources.Locate($"concept.terms[{index}]"), "A concept term is empty.");
            }
        }
        if (checkFiles && concept.Definition is { } definition && File.Exists(definition.FullPath)
            && ConceptDefinitionReader.Read(definition.FullPath, diagnostics) is { } read)
        {
            (fileTerms, filePrompts) = (read.Terms, read.Prompts);
            if (read.Terms.Count == 0 && concept.Terms.Count == 0)
            {
                // Name the file the terms were to come from, not only the YAML key that points at it.
                diagnostics.Error(DiagnosticCodes.BadReferencedFile, "concept.definition", read.TermsPosition,
                    $"The concept has no terms: this definition (named by 'concept.definition' in {Path.GetFileName(config.FilePath)}) lists none under "
                    + $"\"{ConceptDefinitionReader.TermsKey}\", and 'concept.terms' is empty.");
            }
        }
        // Terms are a set: sorted and distinct, so their order in the files never changes a key.
        var terms = fileTerms.Concat(concept.Terms).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim())
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var prompts = filePrompts.Concat(concept.TestPrompts).Distinct(StringComparer.Ordinal).ToArray();
        return config with { Concept = concept with { Terms = terms, TestPrompts = prompts } };
    }

    private static ExperimentConfig CheckModel(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var summary = ModelConfigReader.Read(config.Model.FullPath, diagnostics, sources.Locate("model"));
        if (summary is null)
        {
            return config;
        }
        var (layers, problem) = config.Activations.Layers.ResolveFor(summary.LayerCount);
        if (problem is not null)
        {
            diagnostics.Error(DiagnosticCodes.ModelMismatch, "activations.layers", sources.Locate("activations.layers"),
                $"'activations.layers': {problem} (num_hidden_layers in {Path.Combine(config.Model.Written, "config.json")}).");
        }
        var (loraLayers, loraProblem) = config.Repair.Lora.Layers.ResolveFor(summary.LayerCount);
        if (loraProblem is not null && config.Repair.Enabled)
        {
            diagnostics.Error(DiagnosticCodes.ModelMismatch, "repair.lora.layers", sources.Locate("repair.lora.layers"),
                $"'repair.lora.layers': {loraProblem} (num_hidden_layers in {Path.Combine(config.Model.Written, "config.json")}).");
        }
        var sae = config.Sae;
        if (sae is not null)
        {
            int layer = sae.Layer < 0 ? summary.LayerCount + sae.Layer : sae.Layer;
            var cached = layers?.Resolved ?? [];
            if (layer < 0 || layer >= summary.LayerCount)
            {
                diagnostics.Error(DiagnosticCodes.ModelMismatch, "sae.layer", sources.Locate("sae.layer"),
                    $"'sae.layer' {sae.Layer} does not exist: the model has layers 0..{summary.LayerCount - 1} (num_hidden_layers in {Path.Combine(config.Model.Written, "config.json")}).");
            }
            else if (layers is not null && !cached.Contains(layer))
            {
                diagnostics.Error(DiagnosticCodes.InvalidCombination, "sae.layer", sources.Locate("sae.layer"),
                    $"'sae.layer' is {layer}, which 'activations.layers' does not cache (it caches {string.Join(", ", cached)}); add it there.");
            }
            else
            {
                sae = sae with { ResolvedLayer = layer };
            }
        }
        var direction = ResolveDirection(config.Edits.Direction, summary.LayerCount, config, sources, diagnostics);
        var tokenizerFolder = config.TokenizerPath;
        var hasTokenizer = File.Exists(tokenizerFolder)
            || TokenizerFiles.Any(name => File.Exists(Path.Combine(tokenizerFolder, name)));
        if (!hasTokenizer)
        {
            var field = config.Tokenizer is null ? "model" : "tokenizer";
            diagnostics.Error(DiagnosticCodes.MissingFile, field, sources.Locate(field),
                $"No tokenizer in '{tokenizerFolder}' (looked for {string.Join(", ", TokenizerFiles)}); add a 'tokenizer:' key naming one.");
        }
        return config with
        {
            ModelInfo = summary,
            Activations = layers is null ? config.Activations : config.Activations with { Layers = layers },
            Repair = loraLayers is null ? config.Repair : config.Repair with { Lora = config.Repair.Lora with { Layers = loraLayers } },
            Sae = sae,
            Edits = config.Edits with { Direction = direction },
        };
    }

    /// <summary>edits.direction's site layer and edited layers as indices of this model (errors only when enabled).</summary>
    private static DirectionConfig ResolveDirection(DirectionConfig direction, int layerCount, ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var (layers, problem) = direction.Layers.ResolveFor(layerCount);
        int layer = direction.Layer < 0 ? layerCount + direction.Layer : direction.Layer;
        bool layerValid = layer >= 0 && layer < layerCount;
        if (direction.Enabled && problem is not null)
        {
            diagnostics.Error(DiagnosticCodes.ModelMismatch, "edits.direction.layers", sources.Locate("edits.direction.layers"),
                $"'edits.direction.layers': {problem} (num_hidden_layers in {Path.Combine(config.Model.Written, "config.json")}).");
        }
        if (direction.Enabled && !layerValid)
        {
            diagnostics.Error(DiagnosticCodes.ModelMismatch, "edits.direction.layer", sources.Locate("edits.direction.layer"),
                $"'edits.direction.layer' = {direction.Layer}: the model has layers 0..{layerCount - 1} (or -1..-{layerCount} from the end).");
        }
        return direction with
        {
            Layers = layers ?? direction.Layers,
            ResolvedLayer = layerValid ? layer : null,
        };
    }
}
