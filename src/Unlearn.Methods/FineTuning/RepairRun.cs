// One Repair-stage run end to end, for the stage adapter to call: build the conversations (dataset file, base-model
// samples, or forget/retain targets), drop those mentioning a target term (repair only), render them with the chat
// format and response-only labels, train the adapter, and write the artefacts into the output folder:
//   data.json           source, counts (loaded, removed, removed by term, rendered, truncated, dropped, tokens), format
//   training_set.jsonl  one line per training example: source, kind (repair/forget/retain), tokens, label_tokens, and
//                       for model-made data (generate, forget) the messages themselves
//   adapter/, train_log.jsonl, summary.json   from LoraTrainer
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Methods.Text;
using Unlearn.Models;

namespace Unlearn.Methods.FineTuning;

public static class RepairRun
{
    public const string DataFileName = "data.json";
    public const string TrainingSetFileName = "training_set.jsonl";

    public static RepairOutcome Run(
        PretrainedModel model, RepairSettings settings, string outputFolder, RepairRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RepairRunOptions();
        var data = Prepare(model, settings, outputFolder, options, cancellationToken);
        return new RepairOutcome(Train(model, data, settings, outputFolder, options, cancellationToken), data.Report);
    }

    /// <summary>Builds, filters and renders the training set and writes data.json and training_set.jsonl into <paramref name="outputFolder"/>.</summary>
    public static RepairData Prepare(
        PretrainedModel model, RepairSettings settings, string outputFolder, RepairRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        options ??= new RepairRunOptions();
        var tokenizer = model.RequireTokenizer();
        var template = settings.Template ?? tokenizer.ResolveChatTemplate();
        Directory.CreateDirectory(outputFolder);

        var (source, conversations, modelMade) = Conversations(model, settings, template, options, cancellationToken);
        int loaded = conversations.Count;
        TermFilterResult filtered = settings.Objective == RepairObjective.Repair && settings.TargetTerms.Count > 0
            ? TermFilter.Apply(conversations, new TermMatcher(settings.TargetTerms))
            : new TermFilterResult(conversations, 0, new SortedDictionary<string, int>(StringComparer.Ordinal));
        var rendered = ExampleRenderer.RenderAll(filtered.Kept, tokenizer, new RenderSettings { Template = template, MaxLength = settings.MaxLength });
        var report = new RepairDataReport(
            source, loaded, filtered.Removed, filtered.RemovedByTerm, rendered.Examples.Count, rendered.Truncated, rendered.DroppedWithoutLabels,
            rendered.TokenCount, rendered.LabelCount,
            rendered.Examples.Count(e => e.Kind == ExampleKind.Forget), rendered.Examples.Count(e => e.Kind == ExampleKind.Retain));
        var dataJson = DataJson(report, settings, template);
        File.WriteAllText(Path.Combine(outputFolder, DataFileName), dataJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        WriteTrainingSet(Path.Combine(outputFolder, TrainingSetFileName), rendered.Examples, modelMade ? filtered.Kept : null);
        return new RepairData(rendered.Examples, report, dataJson);
    }

    /// <summary>
    /// Trains one adapter on prepared data into <paramref name="folder"/> (adapter/, train_log.jsonl, summary.json), masked
    /// by options.Masks when given. Several adapters can be trained on the same data, each into its own folder.
    /// </summary>
    public static TrainingOutcome Train(
        PretrainedModel model, RepairData data, RepairSettings settings, string folder, RepairRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new RepairRunOptions();
        var training = settings.Training;
        var inputMasks = (IReadOnlyDictionary<string, float[]>?)null;
        var outputMasks = (IReadOnlyDictionary<string, float[]>?)null;
        if (options.Masks is { } masks)
        {
            var (lora, completed) = AdapterMasks.Settings(model.Runtime.Shape, training.Lora, masks);
            training = training with { Lora = lora };
            inputMasks = completed.InputMasks;
            outputMasks = completed.OutputMasks;
        }
        else if (options.Modules is { } modules)
        {
            training = training with { Lora = AdapterMasks.SettingsFor(training.Lora, modules) };
        }
        var trainer = new LoraTrainer(model.Runtime, training);
        options.Status?.Invoke($"training LoRA (r {training.Lora.Rank}) on {data.Examples.Count} examples, {data.Examples.Sum(e => (long)e.LabelCount)} label tokens");
        return trainer.Train(data.Examples, folder, new TrainingRunOptions
        {
            Edits = options.Edits,
            InputMasks = inputMasks,
            OutputMasks = outputMasks,
            Progress = options.Progress,
            CheckpointFolder = options.CheckpointFolder,
            Resume = options.Resume,
            BaseModelPath = options.BaseModelName ?? model.Folder,
            Objective = settings.Objective.ToString().ToLowerInvariant(),
            SummarySections = new Dictionary<string, JsonNode?> { ["data"] = data.DataJson.DeepClone() },
        }, cancellationToken);
    }

    private static (string Source, IReadOnlyList<Conversation> Conversations, bool ModelMade) Conversations(
        PretrainedModel model, RepairSettings settings, Tokenizers.Chat.ChatTemplate template, RepairRunOptions options, CancellationToken cancellationToken)
    {
        if (settings.Objective == RepairObjective.Forget)
        {
            var forget = settings.Forget ?? throw new FineTuningException("objective: forget needs a forget section (forget_prompts, optional retain_prompts and target_answer).");
            options.Status?.Invoke($"answering {forget.RetainPrompts.Count} retain prompts greedily with the base model");
            return ("forget", ForgetTargets.Build(model, forget, template, cancellationToken: cancellationToken), true);
        }
        if ((settings.DatasetPath is null) == (settings.Generate is null))
        {
            throw new FineTuningException("objective: repair needs exactly one data source: a dataset file (dataset) or samples of the base model (generate).");
        }
        if (settings.DatasetPath is { } path)
        {
            options.Status?.Invoke($"loading {path}");
            return (settings.DatasetLabel ?? path, InstructionDataset.Load(path, settings.DatasetFormat), false);
        }
        var generate = settings.Generate!;
        options.Status?.Invoke($"sampling {generate.Count} continuations from the base model");
        var set = ContinuationSource.Generate(model, generate, template, cancellationToken: cancellationToken);
        return ("generate", set.Conversations, true);
    }

    private static JsonObject DataJson(RepairDataReport report, RepairSettings settings, Tokenizers.Chat.ChatTemplate template) => new()
    {
        ["source"] = report.Source,
        ["objective"] = settings.Objective.ToString().ToLowerInvariant(),
        ["chat_format"] = template.Name,
        ["chat_date"] = template.UsesDate ? template.DateString : null,
        ["max_length"] = settings.MaxLength,
        ["target_terms"] = new JsonArray(settings.TargetTerms.Select(t => (JsonNode)t).ToArray()),
        ["filter"] = "whole-word, case-insensitive, any turn",
        ["loaded"] = report.Loaded,
        ["removed"] = report.Removed,
        ["removed_by_term"] = new JsonObject(report.RemovedByTerm.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["kept"] = report.Loaded - report.Removed,
        ["rendered"] = report.Rendered,
        ["truncated"] = report.Truncated,
        ["dropped_without_labels"] = report.DroppedWithoutLabels,
        ["tokens"] = report.Tokens,
        ["label_tokens"] = report.LabelTokens,
        ["forget_examples"] = report.ForgetExamples,
        ["retain_examples"] = report.RetainExamples,
        ["generate"] = settings.Generate is { } g ? new JsonObject
        {
            ["prompts"] = new JsonArray(g.Prompts.Select(p => (JsonNode)p).ToArray()),
            ["count"] = g.Count,
            ["max_new_tokens"] = g.MaxNewTokens,
            ["temperature"] = g.Sampling.Temperature,
            ["top_k"] = g.Sampling.TopK,
            ["top_p"] = g.Sampling.TopP,
            ["seed"] = g.Seed,
            ["batch_size"] = g.BatchSize,
        } : null,
        ["forget"] = settings.Forget is { } f ? new JsonObject
        {
            ["forget_prompts"] = f.ForgetPrompts.Count,
            ["retain_prompts"] = f.RetainPrompts.Count,
            ["target_answer"] = f.TargetAnswer,
            ["system_prompt"] = f.SystemPrompt,
            ["max_answer_tokens"] = f.MaxAnswerTokens,
            ["answer_mode"] = f.ReplaceTerms is null ? "fixed" : "replace",
            ["replace_terms"] = f.ReplaceTerms is null ? null : new JsonArray(f.ReplaceTerms.Select(t => (JsonNode)t).ToArray()),
        } : null,
    };

    private static void WriteTrainingSet(string path, IReadOnlyList<TrainingExample> examples, IReadOnlyList<Conversation>? conversations)
    {
        var bySource = conversations?.ToDictionary(c => c.Source, StringComparer.Ordinal);
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var example in examples)
        {
            var line = new JsonObject
            {
                ["source"] = example.Source,
                ["kind"] = example.Kind.ToString().ToLowerInvariant(),
                ["tokens"] = example.Length,
                ["label_tokens"] = example.LabelCount,
            };
            if (bySource is not null && bySource.TryGetValue(example.Source, out var conversation))
            {
                line["messages"] = new JsonArray(conversation.Messages
                    .Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());
                line["end_token_id"] = conversation.EndTokenId;
            }
            writer.WriteLine(line.ToJsonString());
        }
    }
}
