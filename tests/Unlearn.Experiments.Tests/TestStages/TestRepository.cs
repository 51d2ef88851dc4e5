// A throw-away repository for one test (shared by the Experiments and Cli tests): a ".git" marker (so the repository root is found), the
// stories260K model folder and the data/play evaluation folder copied from Data/, a supplied-examples file, and helpers to write
// experiment YAML files and to build them with the test stages.
using Unlearn.Experiments.Graph;

namespace Unlearn.TestStages;

public sealed class TestRepository : IDisposable
{
    public const string ExamplesJson = """
        {"concept_examples": ["the children play in the park", "they play a game of tag", "we play with the red ball",
                              "she wants to play outside today", "the dog likes to play fetch", "they play together all day"],
         "background_examples": ["the sun is warm and bright", "mom made a big cake", "the bird sang a happy song",
                                 "he read a book about ships", "the cat slept on the mat", "it rained all night long"]}
        """;

    /// <param name="nesting">Folders between the temporary folder and the repository root (a clone somewhere else).</param>
    public TestRepository(string? nesting = null)
    {
        _top = Path.Combine(Path.GetTempPath(), "unlearn-tests", Guid.NewGuid().ToString("N"));
        Root = nesting is null ? _top : Path.Combine(_top, nesting);
        Directory.CreateDirectory(Path.Combine(Root, ".git"));
        Directory.CreateDirectory(Path.Combine(Root, "experiments"));
        var model = Path.Combine(Root, "models", "stories260K");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Data", "stories260K")))
        {
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
            File.SetAttributes(Path.Combine(model, Path.GetFileName(file)), FileAttributes.Normal);
        }
        WriteFile("data/examples.json", ExamplesJson);
        var play = Path.Combine(Root, "data", "play");
        Directory.CreateDirectory(play);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Data", "play")))
        {
            File.Copy(file, Path.Combine(play, Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", "play-concept-def.json"), Path.Combine(Root, "data", "play-concept-def.json"));
    }

    private readonly string _top;

    /// <summary>The name of the default experiment, as committed in experiments/.</summary>
    public const string DefaultExperiment = "play-stories260K";

    /// <summary>Copies the committed default experiment (experiments/play-stories260K.yaml) into this repository.</summary>
    public string WriteDefaultExperiment() =>
        WriteExperiment(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "experiments", DefaultExperiment + ".yaml")), DefaultExperiment);

    public string Root { get; }

    public string Artifacts => Path.Combine(Root, "artifacts");

    public string ModelFolder => Path.Combine(Root, "models", "stories260K");

    public const string DefaultExamples = "supplied: ../data/examples.json\nmin_words: 3";
    public const string DefaultActivations = "sites: [attn.out, mlp.out]\nlayers: last 2";
    public const string DefaultSaliency = "C: 2\nprune_fraction: 0.1";

    /// <summary>A complete experiment for the test stages; a section argument replaces that section's body.</summary>
    public static string Yaml(string name = "exp", string? saliency = null, string? activations = null, string? examples = null, string extra = "") => $"""
        name: {name}
        model: ../models/stories260K
        concept:
          terms: [play, plays]
          test_prompts: ["Once upon a time"]
        examples:
        {Indent(examples ?? DefaultExamples)}
        activations:
        {Indent(activations ?? DefaultActivations)}
        saliency:
        {Indent(saliency ?? DefaultSaliency)}
        repair:
          enabled: false
        evaluate:
          variants: {(saliency?.Contains("method: sae") == true ? "[base, sae-ablated, sae-random]" : "[base, concept, vocab, hybrid]")}
        {extra}
        """;

    /// <summary>The examples: section of the small stories260K stage-test experiments: 96 generated stories, 40 + 40 examples.</summary>
    public const string SmallExamples = """
        generate:
          prompts: [Once upon a time, "Tim and Sam were best friends.", One day]
          count: 96
          max_tokens: 96
          batch_size: 32
        concept_count: 40
        background_count: 40
        min_words: 4
        """;

    /// <summary>
    /// The small repaired experiment on the bundled stories260K of the Repair, Evaluate and Export stage tests: examples,
    /// activations, saliency and a vocabulary edit, a 4-step rank-4 repair (<paramref name="repair"/> adds its lines),
    /// Evaluate on data/play with <paramref name="variants"/>, and <paramref name="tail"/> (top-level sections) after it.
    /// </summary>
    public static string RepairedYaml(string name, string learningRate, string variants, string repair = "", string tail = "") => $"""
        name: {name}
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [play, plays, played, playing]
          test_prompts: ["Sue and her dog went to the park to", "The kids wanted to"]
        examples:
        {IndentAll(SmallExamples)}
        activations:
          sites: [attn.out, mlp.out]
          layers: last 2
          batch_size: 16
        saliency:
          C: 0.5
          prune_fraction: 0.05
        vocab:
          match: word
        repair:
          generate:
            prompts: [Once upon a time, One day]
            count: 24
            max_tokens: 48
            batch_size: 12
          lora:
            rank: 4
            alpha: 8
          learning_rate: {learningRate}
          max_steps: 4
          micro_batch_size: 4
          gradient_accumulation: 1
        {IndentAll(repair)}
        evaluate:
          data: ../data/play
          variants: {variants}
          samples_per_prompt: 2
          seeds: [0]
          max_new_tokens: 16
          bootstrap_samples: 100
        {tail}
        """;

    /// <summary>A small SAE experiment named "sae" on the bundled model (SaeStagesTests, the chat tests): 64 generated stories, a
    /// 256-latent TopK SAE (k 4) on layer 2's residual, "play" latents; <paramref name="sae"/> adds lines to the sae: block,
    /// <paramref name="saliency"/> is the saliency: block.</summary>
    public static string SaeYaml(string sae = "", string saliency = "method: sae", string variants = "[base]") => $"""
        name: sae
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [play, plays, played, playing]
          test_prompts: ["Sue and her dog went to the park to"]
        examples:
          generate:
            prompts: [Once upon a time, "Tim and Sam were best friends.", One day]
            count: 64
            max_tokens: 96
            batch_size: 32
          concept_count: 30
          background_count: 30
          min_words: 4
          held_out: 0.2
        activations:
          sites: [residual]
          layers: [2]
          pooling: tokens
          batch_size: 16
        sae:
          layer: 2
          expansion: 4
          k: 4
          batch_size: 128
          training_tokens: 2560
          learning_rate: 0.002
          dead_tokens: 600
          checkpoint_every: 5
        {IndentAll(sae)}
          discovery:
            min_concept_count: 4
            max_neutral_freq: 0.05
            top_n: 5
        saliency:
        {IndentAll(saliency)}
        repair:
          enabled: false
        evaluate:
          variants: {variants}
        """;

    /// <summary>Writes experiments/NAME.yaml and returns its path.</summary>
    public string WriteExperiment(string yaml, string name = "exp") => WriteFile($"experiments/{name}.yaml", yaml);

    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public ExperimentGraph Open(string experiment = "exp", IReadOnlyCollection<string>? force = null, IBuildLog? log = null, string? target = null) =>
        ExperimentGraph.Open(new GraphOptions
        {
            Experiment = experiment,
            RepositoryRoot = Root,
            Catalog = TestCatalog.Create(),
            Force = force ?? [],
            Log = log ?? NullBuildLog.Instance,
            Numerics = TestCatalog.Numerics,
            Target = target,
        });

    /// <summary>Builds the target in a fresh graph (as a new build would) and returns outcomes by stage.</summary>
    public IReadOnlyDictionary<string, StageOutcome> Build(string target = "Saliency", string experiment = "exp", IReadOnlyCollection<string>? force = null, IBuildLog? log = null) =>
        Open(experiment, force, log, target).Run(target).ToDictionary(o => o.Stage);

    /// <summary>Builds the targets, in order, with the product's own stages (the default catalog and numerics), as
    /// `./build.sh --target T` does; outcomes by stage.</summary>
    public Dictionary<string, StageOutcome> BuildReal(string experiment, IReadOnlyList<string> targets, IReadOnlyCollection<string>? force = null, NumericsEnvironment? numerics = null)
    {
        var graph = ExperimentGraph.Open(new GraphOptions
        {
            Experiment = experiment,
            RepositoryRoot = Root,
            Target = targets[^1],
            Force = force ?? [],
            Numerics = numerics ?? TestCatalog.RealNumerics,
        });
        var outcomes = new Dictionary<string, StageOutcome>();
        foreach (var target in targets)
        {
            foreach (var outcome in graph.Run(target))
            {
                // The first outcome of each stage is what this build did to it; a later target reports it up to date.
                outcomes.TryAdd(outcome.Stage, outcome);
            }
        }
        return outcomes;
    }

    /// <summary>The store entry folder of a stage's outcome.</summary>
    public string Entry(StageOutcome outcome) => Path.Combine(Artifacts, "cache", outcome.Key);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_top, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Every line indented, empty ones too (SaeYaml's extra sae: lines are often empty).
    private static string IndentAll(string text) => string.Join("\n", text.Split('\n').Select(line => "  " + line));

    private static string Indent(string lines) =>
        string.Join("\n", lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.TrimEnd()));
}
