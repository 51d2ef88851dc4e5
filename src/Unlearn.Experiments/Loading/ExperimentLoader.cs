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
public sealed record LoadedExperiment(ExperimentConfig Config, SourceMap Sources, IReadOnlyList<Diagnostic> Warnings);

public static class ExperimentLoader
{
    private static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer.model", "tokenizer.tiktoken", "vocab.json"];

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
        config = MergeConcept(config, options.CheckFiles, diagnostics);
        config = ExperimentRules.Apply(config, sources, diagnostics, options.CheckFiles);
        if (options.CheckFiles && !diagnostics.Items.Any(d => d.FieldPath == "model" && d.IsError))
        {
            StandInPreparer.Prepare(config, sources, diagnostics, options.AllowOutside);
        }
        if (options.CheckFiles && !diagnostics.Items.Any(d => d.FieldPath == "model" && d.IsError))
        {
            config = CheckModel(config, sources, diagnostics);
        }
        if (diagnostics.HasErrors)
        {
            throw new ExperimentException(diagnostics.Items);
        }
        return new LoadedExperiment(config, sources, diagnostics.Items);
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
            diagnostics.Error(DiagnosticCodes.YamlSyntax, "", new SourcePosition((int)exception.Start.Line, (int)exception.Start.Column),
                $"The YAML is malformed: {exception.Message}");
            return null;
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet's scanner throws this (without a position) on some malformed plain scalars;
            // the scanner's own position is where it stopped.
            var mark = scanner.CurrentPosition;
            diagnostics.Error(DiagnosticCodes.YamlSyntax, "", new SourcePosition((int)mark.Line, (int)mark.Column),
                $"The YAML is malformed near here ({exception.Message}); check brackets, quotes and indentation.");
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
    private static HashSet<string>? StagesReading(string fieldPath)
    {
        var top = fieldPath.Split('.', '[')[0];
        var readBy = ExperimentSchema.Root.Find(top)?.Key.ReadBy ?? "*";
        return readBy == "*" ? null : readBy.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }

    private static ExperimentConfig MergeConcept(ExperimentConfig config, bool checkFiles, DiagnosticBag diagnostics)
    {
        var concept = config.Concept;
        IReadOnlyList<string> fileTerms = [];
        IReadOnlyList<string> filePrompts = [];
        if (checkFiles && concept.Definition is { } definition && File.Exists(definition.FullPath)
            && ConceptDefinitionReader.Read(definition.FullPath, diagnostics) is { } read)
        {
            (fileTerms, filePrompts) = read;
        }
        // Terms are a set: sorted and distinct, so their order in the files never changes a key.
        var terms = fileTerms.Concat(concept.Terms).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
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
        };
    }
}
