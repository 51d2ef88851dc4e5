// Bringing stages up to date. A stage is reused when a valid store entry with its current key exists
// (status "up to date" when this experiment's view already pointed at it, "restored" when it did not);
// otherwise it runs under the key's lock, into a partial folder that becomes the entry only once the
// manifest is written. A second build wanting the same key waits for the lock, then reuses the entry.
using System.Diagnostics;
using System.Text.Json.Nodes;
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Store;

namespace Unlearn.Experiments.Graph;

public sealed partial class ExperimentGraph
{
    /// <summary>Brings the target and every stage it depends on up to date, upstream first.</summary>
    /// <exception cref="StageFailedException">A stage failed; <see cref="StageFailedException.Outcome"/> says which and why.</exception>
    public IReadOnlyList<StageOutcome> Run(string target, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<StageOutcome>();
        foreach (var stage in Catalog.ChainTo(target, Config))
        {
            outcomes.Add(RunStage(stage.Name, cancellationToken));
        }
        return outcomes;
    }

    /// <summary>
    /// Brings one stage up to date. Its upstream stages must already have valid entries (MSBuild's
    /// DependsOnTargets, or <see cref="Run"/>, sees to that).
    /// </summary>
    /// <exception cref="StageNotInExperimentException">The experiment has no such stage (TrainSae without an sae: block).</exception>
    public StageOutcome RunStage(string stageName, CancellationToken cancellationToken = default)
    {
        var stage = Catalog.Get(stageName);
        if (!stage.IsPartOf(Config))
        {
            throw new StageNotInExperimentException(stage, Config.Name);
        }
        var clock = Stopwatch.StartNew();
        var key = "";
        try
        {
            (key, var document) = Compute(stage);
            var view = ReadView(stage.Name);
            string reason;
            if (force.Contains(stage.Name))
            {
                reason = $"forced (--force {stage.Name})";
            }
            else
            {
                var check = store.Check(key, cancellationToken);
                if (check.State == EntryState.Valid)
                {
                    return Publish(stage, Reuse(stage, key, document, view, clock, ChangeReason(view, key, document)), cancellationToken);
                }
                reason = check.State == EntryState.Damaged ? check.Problem
                    : view?.Key == key ? "store entry missing"
                    : ChangeReason(view, key, document);
            }
            return Publish(stage, Execute(stage, key, document, reason, clock, cancellationToken), cancellationToken);
        }
        catch (StageFailedException)
        {
            throw;
        }
        catch (Exception exception) when (exception is ExternalInputException or StoreException or IOException or UnauthorizedAccessException)
        {
            throw Failed(stage, key, clock, exception.Message, exception);
        }
        finally
        {
            store.Memo.Save();
        }
    }

    private StageOutcome Reuse(IStage stage, string key, JsonObject document, StageView? view, Stopwatch clock, string reason)
    {
        if (view?.Key == key)
        {
            Log(BuildLogLevel.Detail, $"{stage.Name}: up to date ({key[..12]})");
            return new StageOutcome(stage.Name, StageStatus.UpToDate, "", clock.Elapsed, key);
        }
        WriteView(stage, key, document);
        Log(BuildLogLevel.Info, $"{stage.Name}: restored {key[..12]} from the store ({reason})");
        return new StageOutcome(stage.Name, StageStatus.Restored, reason, clock.Elapsed, key);
    }

    private StageOutcome Execute(IStage stage, string key, JsonObject document, string reason, Stopwatch clock, CancellationToken cancellationToken)
    {
        var lockPath = Layout.LockPath(key);
        using var keyLock = FileLock.Acquire(lockPath,
            () => Log(BuildLogLevel.Info, $"{stage.Name}: waiting for another build that is computing {key[..12]} (lock {lockPath})"),
            cancellationToken);
        var forced = force.Contains(stage.Name);
        var check = store.Check(key, cancellationToken);
        if (!forced && check.State == EntryState.Valid)
        {
            // Another build finished this entry while this one waited for the lock.
            return Reuse(stage, key, document, view: null, clock, "computed by another build while this one waited");
        }
        if (check.State == EntryState.Damaged)
        {
            store.Discard(key);
        }
        var stale = store.RemoveStalePartials(key);
        if (stale > 0)
        {
            Log(BuildLogLevel.Detail, $"{stage.Name}: removed {stale} unfinished folder(s) left by an interrupted build");
        }
        var upstream = UpstreamDirectories(stage, cancellationToken);
        var partial = store.CreatePartial(key);
        // Which provider computes is part of the result: say it wherever the stage's key records it.
        var numerics = stage.Settings.HasFlag(SettingsUse.Gemm) ? $" on {Numerics.Describe()}" : "";
        Log(BuildLogLevel.Info, $"{stage.Name}: running{numerics} ({reason})");
        var meter = PeakMemoryMeter.Start();
        var context = new StageContext(Config, stage.Name, key, (JsonObject)document.DeepClone(), partial, upstream,
            new StageProgress(stage.Name, options.Log, options.Time, options.ProgressInterval),
            new StageLog(stage.Name, options.Log), Numerics, Layout.CheckpointDirectory(key), cancellationToken);
        try
        {
            Numerics.Apply();
            stage.Run(context);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception exception)
        {
            DirectoryRemoval.Remove(partial);
            var message = exception is OperationCanceledException ? "cancelled" : exception.Message;
            throw Failed(stage, key, clock, message, exception);
        }
        var (peakBytes, peakMethod) = meter.Stop();
        var made = new Manifest
        {
            Stage = stage.Name,
            Version = stage.Version,
            KeyDocument = (JsonObject)document.DeepClone(),
            WallTimeSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            PeakMemoryBytes = peakBytes,
            PeakMemoryMethod = peakMethod,
            Timing = context.Timing.Count > 0 ? (JsonObject)context.Timing.DeepClone() : null,
            ToolVersion = MachineFacts.ToolVersion,
            Machine = MachineFacts.Describe(Numerics),
            CreatedUtc = DateTime.UtcNow,
        };
        try
        {
            store.Commit(key, partial, made, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or StoreException or UnauthorizedAccessException)
        {
            DirectoryRemoval.Remove(partial);
            throw Failed(stage, key, clock, $"could not write its store entry ({exception.Message}); nothing was recorded", exception);
        }
        WriteView(stage, key, document);
        Log(BuildLogLevel.Info, $"{stage.Name}: ran in {clock.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s ({key[..12]})");
        return new StageOutcome(stage.Name, StageStatus.Ran, reason, clock.Elapsed, key);
    }

    /// <summary>
    /// Rewrites the stage's view for this experiment (IPublishingStage) after it ran, was restored or was up to date. A
    /// view that cannot be written is a warning: the entry itself is valid and the next build tries again.
    /// </summary>
    /// <summary>
    /// Rewrites the experiment's view of a publishing stage (Evaluate: artifacts/&lt;experiment&gt;/report.html …) from the
    /// entry its current key names, without running anything.
    /// </summary>
    /// <exception cref="GraphUsageException">The stage publishes nothing, or has no valid entry for the current configuration.</exception>
    public StageOutcome PublishView(string stageName, CancellationToken cancellationToken = default)
    {
        var stage = Catalog.Get(stageName);
        if (stage is not IPublishingStage)
        {
            throw new GraphUsageException($"{stageName} writes no view of its result (only Evaluate does).");
        }
        var (key, _) = Compute(stage);
        if (store.Check(key, cancellationToken).State != EntryState.Valid)
        {
            throw new GraphUsageException(
                $"{Config.Name}: {stageName} has no result for the current configuration (key {key[..12]}); build it first: ./build.sh --target {stageName} --experiment {Config.Name}");
        }
        return Publish(stage, new StageOutcome(stageName, StageStatus.UpToDate, "", TimeSpan.Zero, key), cancellationToken, rethrow: true);
    }

    private StageOutcome Publish(IStage stage, StageOutcome outcome, CancellationToken cancellationToken, bool rethrow = false)
    {
        if (stage is not IPublishingStage publisher)
        {
            return outcome;
        }
        try
        {
            var upstream = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in stage.UpstreamOf(Config))
            {
                var upstreamKey = Compute(Catalog.Get(name)).Key;
                if (store.Check(upstreamKey, cancellationToken).State == EntryState.Valid)
                {
                    upstream[name] = Layout.EntryDirectory(upstreamKey);
                }
            }
            var files = publisher.Publish(new PublishContext(Config, outcome.Key, Layout.EntryDirectory(outcome.Key), upstream,
                Layout.ExperimentDirectory(Config.Name), Numerics));
            var root = Path.GetDirectoryName(Layout.Root)!;
            var relative = files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToArray();
            if (relative.Length > 0)
            {
                Log(BuildLogLevel.Detail, $"{stage.Name}: wrote {string.Join(", ", relative)}");
            }
            return outcome with { Published = relative };
        }
        catch (Exception exception) when (!rethrow && exception is not (OperationCanceledException or OutOfMemoryException))
        {
            Log(BuildLogLevel.Warning, $"{stage.Name}: could not write the experiment's view of its result ({exception.Message}); the store entry is valid");
            return outcome;
        }
    }

    private Dictionary<string, string> UpstreamDirectories(IStage stage, CancellationToken cancellationToken)
    {
        var directories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in stage.UpstreamOf(Config))
        {
            var upstreamKey = Compute(Catalog.Get(name)).Key;
            var check = store.Check(upstreamKey, cancellationToken);
            if (check.State != EntryState.Valid)
            {
                throw new StoreException(
                    $"its upstream stage {name} has no valid store entry for key {upstreamKey[..12]} ({check.Problem}); build target {name} first.");
            }
            directories[name] = Layout.EntryDirectory(upstreamKey);
        }
        return directories;
    }

    private void WriteView(IStage stage, string key, JsonObject document)
    {
        new StageView
        {
            Experiment = Config.Name,
            Stage = stage.Name,
            Key = key,
            KeyDocument = (JsonObject)document.DeepClone(),
            ExperimentFile = Path.GetRelativePath(Path.GetDirectoryName(Layout.Root)!, Config.FilePath).Replace('\\', '/'),
            UpdatedUtc = DateTime.UtcNow,
        }.Write(Layout.ViewPath(Config.Name, stage.Name));
    }

    private StageFailedException Failed(IStage stage, string key, Stopwatch clock, string message, Exception inner)
    {
        var outcome = new StageOutcome(stage.Name, StageStatus.Failed, message, clock.Elapsed, key);
        return new StageFailedException(outcome, $"{stage.Name} failed: {message}", inner);
    }

    private void Log(BuildLogLevel level, string message) => options.Log.Write(level, message);
}
