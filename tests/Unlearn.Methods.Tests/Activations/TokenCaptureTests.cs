// Token-level capture for SAE training: shards that numpy can read (checked with the independent test parser), the
// memory-mapped reader agreeing with them, and a killed capture continuing from its last complete shard with the same
// bytes as an uninterrupted one.
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Tests.Activations;

public sealed class TokenCaptureTests
{
    private static readonly ModelIdentity Identity = new("models/stories260K", "sha256:test");

    private static readonly ActivationOptions Tokens = new()
    {
        Layers = [1, 3],
        Sites = [SiteKind.AttentionOutput, SiteKind.Residual],
        Pooling = Pooling.Tokens,
        BatchSize = 2,
        ShardBytes = 20_000,
    };

    [Fact]
    public void Run_TokenPooling_WritesShardsNumpyReadsAsFloat32RowsOfEverySite()
    {
        using var folder = new TemporaryFolder();
        var model = BundledModel.Stories260K;

        var index = ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, Tokens, Identity, folder.Path);

        Assert.True(index.Files.Count > 1);
        Assert.Equal(4 * 64, index.RowWidth);
        int total = 0;
        foreach (var entry in index.Files)
        {
            var shard = NpyArray.Parse(File.ReadAllBytes(folder.File(entry.File)), entry.File);
            var rows = NpyArray.Parse(File.ReadAllBytes(folder.File(entry.File.Replace(".npy", ".rows.npy"))), "rows");
            Assert.Equal("<f4", shard.Dtype);
            Assert.Equal([entry.Rows[0] + entry.Rows[1], 256], shard.Shape);
            Assert.Equal("<i4", rows.Dtype);
            Assert.Equal([entry.Rows[0] + entry.Rows[1], 4], rows.Shape);
            total += shard.Shape[0];
        }
        Assert.Equal(index.Groups.Sum(g => g.PooledTokens), total);
        Assert.False(Directory.Exists(folder.File(".capture")), "the scratch folder is removed when the capture is complete");
    }

    [Fact]
    public void Open_TokenCache_GathersWhatTheShardsHoldAndKnowsEachRowsOrigin()
    {
        using var folder = new TemporaryFolder();
        var model = BundledModel.Stories260K;
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, Tokens, Identity, folder.Path);
        var site = new HookSite(3, SiteKind.Residual);
        var (tokens, seen) = CaptureTestData.RunAlone(CaptureTestData.Examples.Background[1], [site]);

        using var cache = TokenActivations.Open(folder.Path);
        var rows = Enumerable.Range(0, cache.RowCount).Where(r => cache.Row(r) is { Group: ExampleLabel.Background, Example: 1 }).ToArray();
        var values = new float[rows.Length * 64];
        cache.Gather(site, rows, values);

        Assert.Equal(tokens.Length - 1, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(i + 1, cache.Row(rows[i]).Position);
            Assert.Equal(tokens[i + 1], cache.Row(rows[i]).TokenId);
            CaptureTestData.AssertClose(seen[site].AsSpan((i + 1) * 64, 64), values.AsSpan(i * 64, 64), 1e-5f, $"position {i + 1}");
        }
        Assert.Equal(cache.RowCount, cache.Ranges(ExampleLabel.Concept).Concat(cache.Ranges(ExampleLabel.Background)).Sum(r => r.End - r.Start));
    }

    [Fact]
    public void Run_KilledAfterTheFirstShardAndRerun_ContinuesThereAndWritesTheSameFiles()
    {
        var model = BundledModel.Stories260K;
        using var whole = new TemporaryFolder();
        var options = Tokens with { ShardBytes = 60_000 };
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, options, Identity, whole.Path);
        var plan = CapturePlan.Create(model.RequireTokenizer(), CaptureTestData.Examples, options, model.Model.Shape);
        int firstShardExamples = plan.Chunks[0].ExampleCount.Sum();
        Assert.True(plan.Chunks.Count > 1 && plan.Chunks[0].Batches.Count > 1, "the test needs a first shard of several batches");
        using var output = new TemporaryFolder();
        using var checkpoint = new TemporaryFolder();
        using var cancel = new CancellationTokenSource();

        Assert.Throws<OperationCanceledException>(() => ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, options, Identity,
            output.Path, new CancelAfter(firstShardExamples + 1, cancel), cancel.Token, checkpoint.Path));
        Assert.True(File.Exists(Path.Combine(checkpoint.Path, "tokens-00000.npy")), "the finished shard waits in the checkpoint folder");
        var reports = new List<int>();
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, options, Identity,
            output.Path, new Recorder(reports), CancellationToken.None, checkpoint.Path);

        // One report for the skipped shard, then one per batch of the others: the first shard was not run again.
        Assert.Equal(firstShardExamples, reports[0]);
        Assert.Equal(1 + plan.Chunks.Skip(1).Sum(c => c.Batches.Count), reports.Count);
        foreach (var file in Directory.GetFiles(whole.Path).Select(Path.GetFileName))
        {
            Assert.Equal(File.ReadAllBytes(whole.File(file!)), File.ReadAllBytes(output.File(file!)));
        }
        Assert.False(Directory.Exists(checkpoint.Path), "the checkpoint folder is deleted once the capture is complete");
    }

    [Fact]
    public void Open_MeanPooledCache_IsRefusedSayingTokensAreNeeded()
    {
        using var folder = new TemporaryFolder();
        var model = BundledModel.Stories260K;
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, Tokens with { Pooling = Pooling.Mean }, Identity, folder.Path);

        var error = Assert.Throws<ActivationCacheException>(() => TokenActivations.Open(folder.Path));

        Assert.Contains("pooling: tokens", error.Message);
    }

    [Fact]
    public void Open_TruncatedShard_IsRefusedNamingIt()
    {
        using var folder = new TemporaryFolder();
        var model = BundledModel.Stories260K;
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, Tokens, Identity, folder.Path);
        var shard = folder.File("tokens-00001.npy");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..(bytes.Length - 8)]);

        var error = Assert.Throws<ActivationCacheException>(() => TokenActivations.Open(folder.Path));

        Assert.Contains("tokens-00001.npy", error.Message);
    }

    private sealed class CancelAfter(int examples, CancellationTokenSource cancel) : IProgress<int>
    {
        public void Report(int value)
        {
            if (value >= examples)
            {
                cancel.Cancel();
            }
        }
    }

    private sealed class Recorder(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}
