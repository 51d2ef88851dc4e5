// Trains LoRA adapters on rendered examples with the base model frozen: AdamW on the adapters only, linear warm-up then
// linear/cosine decay, global-norm clipping, a NaN/Inf guard that stops at the failing step (before any weight
// changes), micro-batches with gradient accumulation (the loss of a step is the mean over all its label tokens, however
// they are split), length-bucketed micro-batches in a seeded order (BatchPlan), epochs or a step budget, and a
// checkpoint every N steps from which a killed run resumes to the same bits. Edits apply during training as at
// inference (pruned rows stay zero, masked ids are never targets). Each micro-batch is one IModelRuntime.TrainingStep, so
// either backend computes the gradients; the optimiser, clipping, guard and checkpoints are this class's own.
// Artefacts: LoraTrainer.Artifacts.cs.
using System.Diagnostics;
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.FineTuning;

public sealed partial class LoraTrainer
{
    // Salts that give the data order and the dropout masks streams of their own under one user seed.
    private const ulong DataOrderSalt = 0x5851F42D4C957F2DUL;
    private const ulong DropoutSalt = 0x14057B7EF767814FUL;

    private readonly IModelRuntime _model;

    public LoraTrainer(IModelRuntime model, LoraTrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate(model.Shape);
        _model = model;
        Settings = settings;
    }

    public LoraTrainingSettings Settings { get; }

    /// <summary>
    /// Trains on <paramref name="examples"/> and writes the PEFT adapter, train_log.jsonl and summary.json into
    /// <paramref name="outputFolder"/>. With a checkpoint of this run present (and Resume on) it continues from it.
    /// </summary>
    /// <exception cref="NonFiniteLossException">The loss became NaN/∞ at the step it names; no weight was updated at that step.</exception>
    /// <exception cref="NonFiniteGradientException">A gradient became NaN/∞ at the step it names.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between steps; the last checkpoint stays for a resume.</exception>
    public TrainingOutcome Train(
        IReadOnlyList<TrainingExample> examples, string outputFolder, TrainingRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        options ??= new TrainingRunOptions();
        Directory.CreateDirectory(outputFolder);
        var (model, edits, baked) = TrainingModel(options.Edits);
        try
        {
            return Run(model, edits, examples, outputFolder, options, cancellationToken);
        }
        finally
        {
            baked?.Dispose();
        }
    }

    private TrainingOutcome Run(
        IModelRuntime model, ModelEdits edits, IReadOnlyList<TrainingExample> examples, string outputFolder, TrainingRunOptions options,
        CancellationToken cancellationToken)
    {
        var masked = MaskedTargets(edits);
        var usable = new List<TrainingExample>(examples.Count);
        var counted = new List<int>(examples.Count);
        foreach (var example in examples)
        {
            if (example.Length > _model.Shape.MaxPositions)
            {
                throw new FineTuningException($"Example '{example.Source}' has {example.Length} tokens; the model takes at most {_model.Shape.MaxPositions}. Lower max_length.");
            }
            int count = example.Labels.Count(l => l != TrainingExample.Ignored && !masked.Contains(l));
            if (count > 0)
            {
                usable.Add(example);
                counted.Add(count);
            }
        }
        var plan = new BatchPlan(usable.Select(e => e.Length).ToArray(), Settings.MicroBatchSize, Settings.GradientAccumulationSteps, Settings.Seed ^ DataOrderSalt);
        long totalSteps = Settings.MaxSteps ?? (long)plan.StepsPerEpoch * Settings.Epochs;
        var schedule = Settings.Schedule(totalSteps);
        var adapters = AdapterSet.Create(_model.Shape, Settings.Lora, Settings.Seed, options.InputMasks, options.OutputMasks);
        var parameters = adapters.Parameters.ToList();
        var optimizer = new AdamW(parameters, Settings.AdamW);
        var fingerprint = RunFingerprint.Of(Settings, usable, options.Edits, options.InputMasks, options.OutputMasks, _model.Shape, ComputeEntry());
        string checkpointFolder = options.CheckpointFolder ?? Path.Combine(outputFolder, CheckpointFolderName);

        var log = new List<StepRecord>();
        long start = 0;
        if (options.Resume && TrainingCheckpoint.TryLoad(checkpointFolder, fingerprint, adapters, optimizer, out long resumedStep, out var resumedLog))
        {
            start = resumedStep;
            log = resumedLog;
        }
        else
        {
            TrainingCheckpoint.Delete(checkpointFolder);
        }

        string logPath = Path.Combine(outputFolder, LogFileName);
        using (var logWriter = StartLog(logPath, log))
        {
            var trainingOptions = new TrainingOptions { Edits = edits, Adapters = adapters.Adapters, RecomputeAttention = Settings.RecomputeAttention };
            for (long step = start; step < totalSteps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = RunStep(model, trainingOptions, plan, step, usable, counted, parameters, optimizer, schedule);
                log.Add(record);
                logWriter.WriteLine(record.ToJson(withTiming: false).ToJsonString());
                logWriter.Flush();
                if (Settings.CheckpointEvery > 0 && record.Step % Settings.CheckpointEvery == 0 && record.Step < totalSteps)
                {
                    var next = plan.Step(record.Step);
                    TrainingCheckpoint.Save(checkpointFolder,
                        new TrainingCheckpoint.Position(record.Step, next.Epoch, next.FirstMicroBatch, Settings.Seed, record.Step * Settings.GradientAccumulationSteps),
                        fingerprint, adapters, optimizer, log);
                }
                options.Progress?.Invoke(new TrainingProgress(record.Step, totalSteps, record.Loss, record.TokensPerSecond, record.LearningRate, record.GradientNorm));
            }
        }

        var outcome = WriteArtifacts(outputFolder, adapters, log, totalSteps, start, usable, examples.Count - usable.Count, plan, options);
        if (!options.KeepCheckpoint)
        {
            TrainingCheckpoint.Delete(checkpointFolder);
        }
        return outcome;
    }

    private StepRecord RunStep(
        IModelRuntime model, TrainingOptions trainingOptions, BatchPlan plan, long step, List<TrainingExample> examples, List<int> counted,
        List<Parameter> parameters, AdamW optimizer, ILearningRateSchedule schedule)
    {
        var clock = Stopwatch.StartNew();
        var (epoch, _, microBatches) = plan.Step(step);
        long normalizer = microBatches.Sum(batch => batch.Sum(i => (long)counted[i]));
        optimizer.ZeroGradients();
        double loss = 0;
        int sequences = 0, forget = 0, retain = 0;
        long tokens = 0;
        for (int micro = 0; micro < microBatches.Count; micro++)
        {
            var members = microBatches[micro];
            var batch = ForwardBatch.RightPadded(members.Select(i => (IReadOnlyList<int>)examples[i].Ids).ToArray());
            var labels = new int[batch.RowCount];
            Array.Fill(labels, TrainingExample.Ignored);
            long expected = 0;
            for (int b = 0; b < members.Length; b++)
            {
                var example = examples[members[b]];
                example.Labels.CopyTo(labels, b * batch.ColumnCount);
                expected += counted[members[b]];
                tokens += example.Length;
                forget += example.Kind == ExampleKind.Forget ? 1 : 0;
                retain += example.Kind == ExampleKind.Retain ? 1 : 0;
            }
            sequences += members.Length;
            var options = Settings.Lora.Dropout > 0
                ? trainingOptions with { DropoutRandom = SeededRandom.ForSequence(Settings.Seed ^ DropoutSalt, checked((int)(step * Settings.GradientAccumulationSteps + micro))) }
                : trainingOptions;
            var pass = model.TrainingStep(batch, labels, options, normalizer);
            if (pass.CountedTokens != expected)
            {
                throw new InvalidOperationException($"Step {step + 1}: the forward pass counted {pass.CountedTokens} label tokens where {expected} were expected.");
            }
            loss += pass.Loss;
        }

        long stepNumber = step + 1;
        NonFiniteGuard.ThrowIfNonFinite(loss, stepNumber);
        NonFiniteGuard.ThrowIfNonFinite(parameters, stepNumber);
        double norm = Settings.MaxGradNorm > 0 ? GradientClipping.ClipGlobalNorm(parameters, Settings.MaxGradNorm) : GradientClipping.GlobalNorm(parameters);
        double rate = schedule.LearningRate(optimizer.StepCount);
        optimizer.Step(rate);
        return new StepRecord(stepNumber, epoch, rate, loss, norm, sequences, tokens, normalizer, forget, retain, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The model and edits training runs on: as given, or with pruned rows baked into weight copies when
    /// keep_masks is off (the adapter may then write into them).</summary>
    private (IModelRuntime Model, ModelEdits Edits, IModelRuntime? Baked) TrainingModel(ModelEdits edits)
    {
        if (Settings.KeepMasks || edits.RowMasks.Count == 0)
        {
            return (_model, edits, null);
        }
        var (projections, remaining) = edits.SplitProjectionRows(_model.Shape);
        var baked = _model.WithZeroedRows(projections);
        return (baked, remaining, baked);
    }

    /// <summary>Ids that can never be predicted under the edits (−∞ logits): labels on them do not count.</summary>
    private static HashSet<int> MaskedTargets(ModelEdits edits) => [.. edits.MaskedLogits];
}
