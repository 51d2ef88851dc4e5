// BuildExamples: concept and background sentences from a supplied file, corpus files, or the base model's own
// seeded samples; deduplicated, length-filtered, balanced, with a held-out split (METHODS.md "BuildExamples").
// Outputs: examples.json, heldout.json (seed format) and stats.json.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Text;
using Unlearn.Models.Generation;

namespace Unlearn.Experiments.Stages;

public sealed class BuildExamplesStage : IStage
{
    public string Name => "BuildExamples";

    public string Version => "2";

    public IReadOnlyList<string> Upstream => [];

    public JsonNode KeySection(ExperimentConfig config)
    {
        var section = StageModel.ChatKeySection(config, "examples");
        section["concept"] = new JsonObject { ["forms"] = new JsonArray(config.Concept.AllForms.Select(f => (JsonNode)f).ToArray()) };
        if (UsesGeneration(config) && config.Examples.Generate is null)
        {
            // Defaulted prompts are the concept's test prompts: they are what the samples continue.
            section["concept"]!["test_prompts"] = new JsonArray(config.Concept.TestPrompts.Select(p => (JsonNode)p).ToArray());
        }
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config)
    {
        yield return ModelInputs.Tokenizer(config);
        if (UsesGeneration(config))
        {
            yield return ModelInputs.Weights(config);
            yield return ModelInputs.Config(config);
        }
        if (config.Examples.Supplied is { } supplied)
        {
            yield return ExternalInput.File("supplied examples", supplied.FullPath);
        }
        if (config.Examples.Corpus.Count > 0)
        {
            yield return ExternalInput.List("corpus", config.Examples.Corpus.Select(c => c.FullPath));
        }
    }

    public void Run(StageContext context)
    {
        var config = context.Config;
        var examples = config.Examples;
        var matcher = new TermMatcher(config.Concept.AllForms);
        var sets = new List<CandidateSet>();
        if (examples.Supplied is { } supplied)
        {
            // Named by content, not path, so the entry's bytes do not depend on where the clone lives.
            sets.Add(SuppliedExamples.Read(supplied.FullPath, matcher, StageModel.ContentLabel(context, "supplied examples", "file")));
        }
        if (examples.Corpus.Count > 0)
        {
            var labels = examples.Corpus.Select((_, i) => StageModel.ContentLabel(context, "corpus", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
            sets.Add(CorpusExamples.Read(examples.Corpus.Select(c => c.FullPath).ToList(), matcher, labels));
        }
        if (UsesGeneration(config))
        {
            sets.Add(Generate(context, matcher));
        }
        var options = new ExampleOptions
        {
            ConceptCount = examples.ConceptCount,
            BackgroundCount = examples.BackgroundCount,
            HeldOutFraction = examples.HeldOut,
            MinWords = examples.MinWords,
            MaxWords = examples.MaxWords,
            MaxTokens = null,
            Seed = StageModel.Seed(config.Seed, "examples.split"),
        };
        var set = ExampleBuilder.Build(CandidateSet.Combine([.. sets]), options);
        set.Write(context.OutputDirectory);
        context.Log.Info($"{set.Training.Concept.Count} concept + {set.Training.Background.Count} background training examples, " +
                         $"{set.HeldOut.Concept.Count} + {set.HeldOut.Background.Count} held out");
    }

    private static CandidateSet Generate(StageContext context, TermMatcher matcher)
    {
        var config = context.Config;
        var generate = config.Examples.Generate ?? new GenerateConfig();
        using var model = StageModel.Load(context);
        var tokenizer = model.RequireTokenizer();
        var prompts = generate.Prompts.Count > 0 ? generate.Prompts : config.Concept.TestPrompts;
        var options = new GenerationSourceOptions
        {
            Prompts = prompts,
            StoryCount = generate.Count,
            MaxNewTokens = generate.MaxTokens,
            Sampling = StageModel.Sampling(generate),
            Seed = StageModel.Seed(config.Seed, "examples.generate"),
            BatchSize = generate.BatchSize,
            EncodePrompt = generate.UseChatFormat ? p => StageModel.ChatPrompt(config, tokenizer, p) : null,
            PromptIsText = !generate.UseChatFormat,
        };
        return GeneratedExamples.Generate(model.Runtime, tokenizer, model.StopIds, options, matcher, new SynchronousProgress(context, generate.Count), context.CancellationToken);
    }

    private static bool UsesGeneration(ExperimentConfig config) =>
        config.Examples.Generate is not null || (config.Examples.Supplied is null && config.Examples.Corpus.Count == 0);

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and report late or out of order).</summary>
    private sealed class SynchronousProgress(StageContext context, int total) : IProgress<int>
    {
        public void Report(int value) => context.Progress.Report(value, total, "samples");
    }
}
