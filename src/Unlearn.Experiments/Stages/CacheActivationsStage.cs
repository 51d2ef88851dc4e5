// CacheActivations: runs every example through the model (batched, padded, attention-masked) and pools the
// activations at the configured sites and layers, BOS and special tokens excluded by default (METHODS.md
// "CacheActivations"). Outputs: activations.npz (numpy-readable, no pickle) and index.json; with pooling tokens (the
// SAE's training data) sharded tokens-NNNNN.npy files instead, written through the checkpoint folder so that a killed
// capture continues from its last complete shard.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using MethodsPooling = Unlearn.Methods.Activations.Pooling;

namespace Unlearn.Experiments.Stages;

public sealed class CacheActivationsStage : IStage
{
    public string Name => "CacheActivations";

    public string Version => "2";

    public IReadOnlyList<string> Upstream => ["BuildExamples"];

    public JsonNode KeySection(ExperimentConfig config)
    {
        var section = KeyJson.Of(config, "activations");
        // Layers enter the key as resolved indices, so "last 3" and [2, 3, 4] are the same key.
        section["activations"]!["layers"] = new JsonArray(Layers(config).Select(l => (JsonNode)l).ToArray());
        if (config.Activations.Pooling != Schema.Pooling.Tokens)
        {
            // Shard size matters only to token pooling; mean and last pooling keep the keys they had before it existed.
            section["activations"]!.AsObject().Remove("shard_mb");
        }
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        [ModelInputs.Weights(config), ModelInputs.Config(config), ModelInputs.Tokenizer(config)];

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Activations;
        var examples = ExampleFile.Read(Path.Combine(context.Upstream("BuildExamples"), ExampleSet.TrainingFile));
        using var model = StageModel.Load(context);
        var options = new ActivationOptions
        {
            Sites = settings.Sites.Select(StageModel.Site).ToArray(),
            Layers = Layers(config),
            Pooling = settings.Pooling switch
            {
                Schema.Pooling.Last => MethodsPooling.Last,
                Schema.Pooling.Tokens => MethodsPooling.Tokens,
                _ => MethodsPooling.Mean,
            },
            IncludeSpecialTokens = !settings.ExcludeSpecial,
            BatchSize = settings.BatchSize,
            MaxTokens = settings.MaxLength,
            ShardBytes = (long)settings.ShardMegabytes << 20,
        };
        string digest = string.Join(",", context.KeyDocument["inputs"]!["model weights"]!.AsObject().Select(p => $"{p.Key}:{p.Value}"));
        var identity = new ModelIdentity(Path.GetRelativePath(config.RepositoryRoot, config.Model.FullPath).Replace('\\', '/'), digest);
        int total = examples.Count;
        var progress = new Reporter(context, total);
        var index = ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), examples, options, identity, context.OutputDirectory, progress, context.CancellationToken,
            context.CheckpointDirectory);
        context.Log.Info($"pooled {settings.Pooling.ToString().ToLowerInvariant()} activations of {total} examples at {options.Sites.Count} sites × {options.Layers.Count} layers");
        GC.KeepAlive(index);
    }

    private static IReadOnlyList<int> Layers(ExperimentConfig config) =>
        config.Activations.Layers.Resolved ?? throw new InvalidOperationException("activations.layers was not resolved against the model (the model's config.json could not be read).");

    private sealed class Reporter(StageContext context, int total) : IProgress<int>
    {
        public void Report(int value) => context.Progress.Report(value, total, "examples");
    }
}
