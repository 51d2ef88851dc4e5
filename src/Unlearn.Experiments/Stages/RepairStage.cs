// Repair (METHODS.md "Repair"): LoRA fine-tuning of the hybrid model — base weights + Saliency masks + PruneVocab
// edits, which stay in force during training — on conversations that never mention a concept form (objective repair),
// or masked-LoRA unlearning confined to the salient rows (objective forget). Outputs: repair.json (what Evaluate needs:
// enabled, objective, keep_masks, whether the pruning row masks apply under the adapter), adapter/ (PEFT), train_log.jsonl,
// summary.json, data.json and training_set.jsonl. Per-step timing goes into the manifest, not the outputs, so that
// they stay bit-identical; a killed run resumes from artifacts/cache/<key>.checkpoint.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Examples;
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Edits;
using Unlearn.Models.Generation;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers.Chat;
using MethodsFormat = Unlearn.Methods.FineTuning.DatasetFormat;
using MethodsObjective = Unlearn.Methods.FineTuning.RepairObjective;
using RepairObjective = Unlearn.Experiments.Schema.RepairObjective;

namespace Unlearn.Experiments.Stages;

public sealed class RepairStage : IStage
{
    public string Name => "Repair";

    public string Version => "4";

    public IReadOnlyList<string> Upstream => ["BuildExamples", "Saliency", "PruneVocab"];

    public JsonNode KeySection(ExperimentConfig config)
    {
        if (!config.Repair.Enabled)
        {
            return new JsonObject { ["repair"] = new JsonObject { ["enabled"] = false } };
        }
        var section = StageModel.ChatKeySection(config, "repair");
        section["concept"] = new JsonObject { ["forms"] = new JsonArray(config.Concept.AllForms.Select(f => (JsonNode)f).ToArray()) };
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config)
    {
        var repair = config.Repair;
        if (!repair.Enabled)
        {
            yield break;
        }
        yield return ModelInputs.Weights(config);
        yield return ModelInputs.Config(config);
        yield return ModelInputs.Tokenizer(config);
        if (repair.Objective == RepairObjective.Repair && repair.Dataset is { } dataset)
        {
            yield return ExternalInput.File("repair dataset", dataset.FullPath);
        }
        if (repair.Objective == RepairObjective.Forget)
        {
            if (repair.Forget.ForgetPrompts is { } forget)
            {
                yield return ExternalInput.File("forget prompts", forget.FullPath);
            }
            if (repair.Forget.RetainPrompts is { } retain)
            {
                yield return ExternalInput.File("retain prompts", retain.FullPath);
            }
        }
    }

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Repair;
        if (!settings.Enabled)
        {
            WriteSummary(context.OutputDirectory, new JsonObject { ["enabled"] = false });
            context.Log.Info("repair.enabled is false: no adapter (Evaluate scores no hybrid+repair variant)");
            return;
        }
        using var model = StageModel.Load(context);
        var tokenizer = model.RequireTokenizer();
        var template = settings.Generate is { UseChatFormat: false } && settings.Objective == RepairObjective.Repair
            ? ChatTemplate.For(Tokenizers.Chat.ChatFormat.Plain)
            : StageModel.Template(config, tokenizer);
        var rowMasks = SaliencyArtefacts.LoadEdits(context.Upstream("Saliency"));
        var vocabulary = VocabularyArtefacts.LoadEdits(context.Upstream("PruneVocab"));
        bool forget = settings.Objective == RepairObjective.Forget;
        // Objective forget confines the adapter to the salient rows; masking those same rows under it would cancel
        // every update, so it trains on the vocabulary-edited model and the row masks become the adapter's masks.
        var edits = forget ? vocabulary : rowMasks.Combine(vocabulary);
        var runSettings = new RepairSettings
        {
            Objective = forget ? MethodsObjective.Forget : MethodsObjective.Repair,
            DatasetPath = settings.Dataset?.FullPath,
            DatasetLabel = settings.Dataset is null ? null : StageModel.ContentLabel(context, "repair dataset", "file"),
            DatasetFormat = settings.DatasetFormat switch
            {
                Schema.DatasetFormat.ShareGpt => MethodsFormat.ShareGpt,
                Schema.DatasetFormat.Messages => MethodsFormat.Messages,
                Schema.DatasetFormat.Alpaca => MethodsFormat.Alpaca,
                _ => MethodsFormat.Auto,
            },
            Generate = settings.Generate is { } generate && !forget ? new ContinuationSourceSettings
            {
                Prompts = generate.Prompts,
                Count = generate.Count,
                MaxNewTokens = generate.MaxTokens,
                Sampling = StageModel.Sampling(generate),
                Seed = StageModel.Seed(config.Seed, "repair.generate"),
                BatchSize = generate.BatchSize,
            } : null,
            TargetTerms = settings.FilterConcept ? config.Concept.AllForms : [],
            Forget = forget ? ForgetSettings(context, settings.Forget) : null,
            Template = template,
            MaxLength = settings.MaxLength,
            Training = Training(config, settings),
        };
        var options = new RepairRunOptions
        {
            Edits = edits,
            Masks = forget ? AdapterMasksFrom(model.Runtime.Shape, rowMasks) : null,
            Progress = p => context.Progress.Report((int)p.Step, (int)p.TotalSteps,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"steps (loss {p.Loss:F3}, {p.TokensPerSecond:F0} tokens/s)")),
            Status = context.Log.Info,
            CheckpointFolder = context.CheckpointDirectory,
            Resume = true,
            // Relative to the repository, so that the entry's bytes do not depend on where the clone lives.
            BaseModelName = Path.GetRelativePath(config.RepositoryRoot, config.Model.FullPath).Replace('\\', '/'),
        };
        var data = RepairRun.Prepare(model, runSettings, context.OutputDirectory, options, context.CancellationToken);
        var outcome = new RepairOutcome(RepairRun.Train(model, data, runSettings, context.OutputDirectory, options, context.CancellationToken), data.Report);
        var forgetAdapters = forget ? TrainForgetAdapters(context, model, data, runSettings, options) : null;
        var log = outcome.Training.Log;
        if (outcome.Training.ResumedFromStep > 0)
        {
            context.Log.Info($"resumed from the checkpoint at step {outcome.Training.ResumedFromStep} of {outcome.Training.TotalSteps}");
        }
        context.Timing["repair_steps"] = new JsonArray(log.Select(r => (JsonNode)LoraTrainer.TimingJson(r)).ToArray());
        context.Timing["repair_train_seconds"] = Math.Round(log.Sum(r => r.Seconds), 3);
        WriteSummary(context.OutputDirectory, new JsonObject
        {
            ["enabled"] = true,
            ["objective"] = forget ? "forget" : "repair",
            ["keep_masks"] = settings.KeepMasks,
            ["row_masks"] = !forget,
            ["steps"] = log.Count,
            ["first_loss"] = log.Count > 0 ? log[0].Loss : null,
            ["last_loss"] = log.Count > 0 ? log[^1].Loss : null,
            ["forget_adapters"] = forgetAdapters,
        });
        context.Log.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"trained {log.Count} steps on {data.Report.Rendered} conversations ({data.Report.LabelTokens} label tokens; {data.Report.Removed} of {data.Report.Loaded} removed for mentioning the concept); " +
            $"loss {(log.Count > 0 ? log[0].Loss : double.NaN):F3} → {(log.Count > 0 ? log[^1].Loss : double.NaN):F3}"));
    }

    private static LoraTrainingSettings Training(ExperimentConfig config, RepairConfig settings) => new()
    {
        Lora = new LoraSettings
        {
            Rank = settings.Lora.Rank,
            Alpha = settings.Lora.Alpha,
            Dropout = (float)settings.Lora.Dropout,
            Targets = settings.Lora.Targets.Select(Projection).ToArray(),
            Layers = settings.Lora.Layers.Kind == LayerSelectionKind.All ? null : settings.Lora.Layers.Resolved,
        },
        LearningRate = settings.LearningRate,
        Decay = settings.Schedule switch
        {
            LearningRateSchedule.Cosine => LearningRateDecay.Cosine,
            LearningRateSchedule.Constant => LearningRateDecay.Constant,
            _ => LearningRateDecay.Linear,
        },
        WarmupRatio = settings.WarmupFraction,
        WeightDecay = settings.WeightDecay,
        MaxGradNorm = settings.GradientClip,
        MicroBatchSize = settings.MicroBatchSize,
        GradientAccumulationSteps = settings.GradientAccumulation,
        Epochs = settings.Epochs,
        MaxSteps = settings.MaxSteps > 0 ? settings.MaxSteps : null,
        CheckpointEvery = settings.CheckpointEvery,
        Seed = StageModel.Seed(config.Seed, "repair.train"),
        KeepMasks = settings.KeepMasks,
    };

    private static Projection Projection(LoraTarget target) => target switch
    {
        LoraTarget.Q => Models.Transformer.Projection.Query,
        LoraTarget.K => Models.Transformer.Projection.Key,
        LoraTarget.V => Models.Transformer.Projection.Value,
        LoraTarget.O => Models.Transformer.Projection.Output,
        LoraTarget.Gate => Models.Transformer.Projection.Gate,
        LoraTarget.Up => Models.Transformer.Projection.Up,
        _ => Models.Transformer.Projection.Down,
    };

    private static ForgetSettings ForgetSettings(StageContext context, ForgetConfig forget)
    {
        var forgetPath = forget.ForgetPrompts ?? throw new InvalidOperationException(
            $"{context.Config.FilePath}: 'repair.forget.forget_prompts' is required for objective forget.");
        IReadOnlyList<string> retain = forget.RetainPrompts is { } retainPath
            ? PromptList.Read(retainPath.FullPath, "repair.forget.retain_prompts")
            : ExampleFile.Read(Path.Combine(context.Upstream("BuildExamples"), ExampleSet.TrainingFile)).Background;
        if (forget.MaxRetain > 0 && retain.Count > forget.MaxRetain)
        {
            retain = retain.Take(forget.MaxRetain).ToArray();
        }
        return new ForgetSettings
        {
            ReplaceTerms = forget.AnswerMode == ForgetAnswerMode.Replace ? context.Config.Concept.AllForms : null,
            ForgetPrompts = PromptList.Read(forgetPath.FullPath, "repair.forget.forget_prompts"),
            RetainPrompts = retain,
            TargetAnswer = forget.TargetAnswer,
            SystemPrompt = forget.SystemPrompt,
            MaxAnswerTokens = forget.MaxAnswerTokens,
        };
    }

    /// <summary>
    /// The further forget adapters of repair.forget.masks, each trained on the same data at the same rank and steps into
    /// forget/&lt;source&gt;/ (its own checkpoint folder), masked by that source's selection; the unmasked one covers every
    /// module a candidate unit maps to. Returns repair.json's map of source → folder ("." for the saliency.method adapter
    /// at the top of the entry).
    /// </summary>
    private static JsonObject TrainForgetAdapters(StageContext context, Models.PretrainedModel model, RepairData data, RepairSettings settings, RepairRunOptions options)
    {
        var config = context.Config;
        var saliency = context.Upstream("Saliency");
        var adapters = new JsonObject { [ExperimentSchema.ChoiceName(config.Saliency.Method)] = "." };
        foreach (var mask in config.Repair.Forget.Masks)
        {
            string name = ExperimentSchema.ChoiceName(mask);
            if (Variants.VariantResolver.MethodOf(mask) == config.Saliency.Method)
            {
                continue;
            }
            string folder = Path.Combine(RepairArtefacts.ForgetFolder, name);
            var masked = options with
            {
                Masks = mask switch
                {
                    ForgetMask.Unmasked => null,
                    ForgetMask.Random => AdapterMasksFrom(model.Runtime.Shape, SaliencyArtefacts.LoadRandomEdits(saliency)),
                    _ => AdapterMasksFrom(model.Runtime.Shape, SaliencyArtefacts.LoadEdits(SaliencyStage.FolderOf(config, Variants.VariantResolver.MethodOf(mask)!.Value, saliency))),
                },
                Modules = mask == ForgetMask.Unmasked ? CandidateModules(config) : null,
                CheckpointFolder = Path.Combine(context.CheckpointDirectory, name),
            };
            context.Log.Info($"forget adapter '{name}' ({(mask == ForgetMask.Unmasked ? "unmasked" : "masked")})");
            var outcome = RepairRun.Train(model, data, settings, Path.Combine(context.OutputDirectory, folder), masked, context.CancellationToken);
            var log = outcome.Log;
            context.Timing[$"forget_{name}_train_seconds"] = Math.Round(log.Sum(r => r.Seconds), 3);
            context.Log.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"forget adapter '{name}': {log.Count} steps, loss {(log.Count > 0 ? log[0].Loss : double.NaN):F3} → {(log.Count > 0 ? log[^1].Loss : double.NaN):F3}"));
            adapters[name] = folder.Replace('\\', '/');
        }
        return adapters;
    }

    /// <summary>Every module a candidate unit of the inspected sites maps to: down_proj for mlp.act (its input) and mlp.out,
    /// o_proj for attn.out, in every inspected layer.</summary>
    private static IReadOnlyList<string> CandidateModules(ExperimentConfig config)
    {
        var layers = config.Activations.Layers.Resolved ?? throw new InvalidOperationException("activations.layers was not resolved against the model.");
        var projections = config.Activations.Sites.Select(site => site switch
        {
            HookSite.AttnOut => (Projection?)Models.Transformer.Projection.Output,
            HookSite.MlpAct or HookSite.MlpOut => Models.Transformer.Projection.Down,
            _ => null,
        }).OfType<Projection>().Distinct().ToArray();
        return layers.SelectMany(layer => projections.Select(p => WeightNames.Module(layer, p))).ToArray();
    }

    /// <summary>The Saliency selection as adapter masks: gate/up rows are mlp.act neurons (the down_proj adapter reads
    /// only them); o_proj/down_proj rows are residual dims (those adapters write only them).</summary>
    private static AdapterMaskSet AdapterMasksFrom(TransformerShape shape, ModelEdits rowMasks)
    {
        var neurons = new SortedDictionary<int, IReadOnlyCollection<int>>();
        var rows = new Dictionary<(int, Projection), IReadOnlyCollection<int>>();
        foreach (var (name, indices) in rowMasks.RowMasks)
        {
            if (!WeightNames.TryParseWeight(name, out int layer, out var projection))
            {
                continue;
            }
            if (projection is Models.Transformer.Projection.Gate or Models.Transformer.Projection.Up)
            {
                neurons[layer] = neurons.TryGetValue(layer, out var known) ? known.Union(indices).Order().ToArray() : indices;
            }
            else
            {
                rows[(layer, projection)] = indices;
            }
        }
        var fromNeurons = AdapterMasks.FromMlpNeurons(shape, neurons);
        var fromRows = AdapterMasks.FromOutputRows(shape, rows);
        return new AdapterMaskSet(fromNeurons.InputMasks, fromRows.OutputMasks);
    }

    private static void WriteSummary(string folder, JsonObject summary) =>
        File.WriteAllText(Path.Combine(folder, RepairArtefacts.SummaryFile), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
