// ActivationCapture on the bundled stories260K model, checked against the same examples run one at a time
// through the full forward pass with a hand-rolled hook (different batch shapes, padding, layer limit and
// logits), and read back through the independent test npz parser.
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Tests.Activations;

public class ActivationCaptureTests
{
    private static readonly ModelIdentity Identity = new("models/stories260K", "sha256:test");

    private static readonly ActivationOptions ThreeSites = new()
    {
        Layers = [1, 3],
        Sites = [SiteKind.AttentionOutput, SiteKind.MlpActivation, SiteKind.Residual],
        BatchSize = 3,
    };

    private static ActivationCache Capture(ActivationOptions options, TemporaryFolder folder)
    {
        var model = BundledModel.Stories260K;
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, options, Identity, folder.Path);
        return ActivationCache.Load(folder.Path);
    }

    [Fact]
    public void Run_MeanPooling_EqualsTheMeanOfAHandRolledHookWithoutBos()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites, folder);

        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            var texts = CaptureTestData.Examples.Of(group);
            for (int i = 0; i < texts.Count; i++)
            {
                var (_, seen) = CaptureTestData.RunAlone(texts[i], cache.Sites);
                foreach (var site in cache.Sites)
                {
                    int width = cache.Index.Width(site.Kind);
                    CaptureTestData.AssertClose(
                        CaptureTestData.MeanFrom(seen[site], width, first: 1), cache.Get(group, site).Row(i), 1e-5f, $"{group} {i} {site}");
                }
            }
        }
    }

    [Fact]
    public void Run_IncludeSpecialTokens_PoolsTheBosPositionToo()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites with { IncludeSpecialTokens = true }, folder);

        var site = new HookSite(3, SiteKind.Residual);
        var (_, seen) = CaptureTestData.RunAlone(CaptureTestData.Examples.Concept[0], [site]);
        var withBos = CaptureTestData.MeanFrom(seen[site], 64, first: 0);
        var withoutBos = CaptureTestData.MeanFrom(seen[site], 64, first: 1);
        CaptureTestData.AssertClose(withBos, cache.Get(ExampleLabel.Concept, site).Row(0), 1e-5f, "mean with BOS");
        Assert.True(withBos.Zip(withoutBos).Max(p => Math.Abs(p.First - p.Second)) > 1e-3f, "BOS should move the mean measurably");
    }

    [Fact]
    public void Run_LastPooling_StoresTheLastPosition()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites with { Pooling = Pooling.Last }, folder);

        var site = new HookSite(1, SiteKind.MlpActivation);
        var (tokens, seen) = CaptureTestData.RunAlone(CaptureTestData.Examples.Background[1], [site]);
        CaptureTestData.AssertClose(seen[site].AsSpan((tokens.Length - 1) * 172, 172), cache.Get(ExampleLabel.Background, site).Row(1), 1e-5f, "last position");
    }

    [Fact]
    public void Run_TokenPooling_StoresEveryNonBosPositionWithItsExampleAndToken()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites with { Pooling = Pooling.Tokens }, folder);

        var site = new HookSite(3, SiteKind.AttentionOutput);
        var matrix = cache.Get(ExampleLabel.Concept, site);
        var exampleIndex = cache.ExampleIndex(ExampleLabel.Concept)!;
        // The rows file, read by the independent parser: [rows, 4] = class, example, position, token id; concept rows first.
        var metadata = NpyArray.Parse(File.ReadAllBytes(folder.File("tokens-00000.rows.npy")), "rows").ToInt64Array();
        int row = 0;
        for (int i = 0; i < CaptureTestData.Examples.Concept.Count; i++)
        {
            var (tokens, seen) = CaptureTestData.RunAlone(CaptureTestData.Examples.Concept[i], [site]);
            for (int t = 1; t < tokens.Length; t++, row++)
            {
                Assert.Equal(i, exampleIndex[row]);
                Assert.Equal([0L, i, t, tokens[t]], metadata.AsSpan(row * 4, 4).ToArray());
                CaptureTestData.AssertClose(seen[site].AsSpan(t * 64, 64), matrix.Row(row), 1e-5f, $"example {i} position {t}");
            }
        }
        Assert.Equal(row, matrix.Rows);
        Assert.Equal(row, cache.Index.Groups[0].Rows);
    }

    [Fact]
    public void Run_Npz_ReadsBackThroughTheIndependentParser()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites, folder);

        var arrays = NpzArchive.Read(folder.File("activations.npz"));

        Assert.Equal(12, arrays.Count);
        var concept = arrays["concept/layers.1.mlp.act"];
        Assert.Equal("<f4", concept.Dtype);
        Assert.Equal([4, 172], concept.Shape);
        Assert.Equal(cache.Get(ExampleLabel.Concept, new HookSite(1, SiteKind.MlpActivation)).Values, concept.ToFloatArray());
        Assert.Equal([3, 64], arrays["background/layers.3.residual"].Shape);
    }

    [Fact]
    public void Run_Index_RecordsSitesCountsAndModel()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites, folder);

        var index = ActivationIndex.Read(folder.File(ActivationIndex.FileName));
        var tokenizer = BundledModel.Stories260K.RequireTokenizer();
        long conceptTokens = CaptureTestData.Examples.Concept.Sum(t => (long)tokenizer.Encode(t).Count);

        Assert.Equal(Identity, index.Model);
        Assert.Equal([1, 3], index.Layers);
        Assert.Equal([SiteKind.AttentionOutput, SiteKind.MlpActivation, SiteKind.Residual], index.SiteKinds);
        Assert.Equal(new GroupSummary(4, conceptTokens, conceptTokens - 4, 0, 4), index.Groups[0]);
        Assert.Equal(512, index.MaxTokens);
        Assert.Equal("activations.npz", index.Files.Single().File);
    }

    [Fact]
    public void Run_TokenLimit_CutsLongExamplesAndCountsThem()
    {
        using var folder = new TemporaryFolder();
        var cache = Capture(ThreeSites with { MaxTokens = 8 }, folder);

        var site = new HookSite(1, SiteKind.Residual);
        var (_, seen) = CaptureTestData.RunAlone(CaptureTestData.Examples.Concept[3], [site]);
        var tokenizer = BundledModel.Stories260K.RequireTokenizer();
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            Assert.Equal(CaptureTestData.Examples.Of(group).Count(t => tokenizer.Encode(t).Count > 8), cache.Index.Groups[(int)group].Truncated);
        }
        // Causal attention: the first 8 positions do not depend on what follows, so the cut example's mean is the mean of positions 1..7.
        CaptureTestData.AssertClose(CaptureTestData.MeanFrom(seen[site].AsSpan(0, 8 * 64).ToArray(), 64, first: 1), cache.Get(ExampleLabel.Concept, site).Row(3), 1e-5f, "truncated mean");
    }

    [Fact]
    public void Run_SmallShardSize_SplitsTokensIntoShardsThatConcatenateToTheWhole()
    {
        using var whole = new TemporaryFolder();
        using var sharded = new TemporaryFolder();
        var tokens = ThreeSites with { Pooling = Pooling.Tokens };

        var one = Capture(tokens, whole);
        var many = Capture(tokens with { ShardBytes = 30_000 }, sharded);

        Assert.True(many.Index.Files.Count > 2);
        Assert.Equal(many.Index.Files.Select((_, k) => $"tokens-{k:D5}.npy"), many.Index.Files.Select(f => f.File));
        Assert.False(File.Exists(sharded.File("activations.npz")));
        // Shards batch differently (examples are batched within a shard), which moves the last bits of the GEMMs.
        foreach (var site in one.Sites)
        {
            CaptureTestData.AssertClose(one.Get(ExampleLabel.Background, site).Values, many.Get(ExampleLabel.Background, site).Values, 1e-5f, $"background {site}");
            CaptureTestData.AssertClose(one.Get(ExampleLabel.Concept, site).Values, many.Get(ExampleLabel.Concept, site).Values, 1e-5f, $"concept {site}");
        }
        Assert.Equal(one.ExampleIndex(ExampleLabel.Background), many.ExampleIndex(ExampleLabel.Background));
    }

    [Fact]
    public void Run_Twice_WritesIdenticalFiles()
    {
        using var first = new TemporaryFolder();
        using var second = new TemporaryFolder();

        Capture(ThreeSites, first);
        Capture(ThreeSites, second);

        Assert.Equal(File.ReadAllBytes(first.File("activations.npz")), File.ReadAllBytes(second.File("activations.npz")));
        Assert.Equal(File.ReadAllBytes(first.File("index.json")), File.ReadAllBytes(second.File("index.json")));
    }

    [Fact]
    public void Run_LayerBeyondTheModel_ThrowsNamingTheValidRange()
    {
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<ActivationCacheException>(() => Capture(ThreeSites with { Layers = [2, 5] }, folder));

        Assert.Contains("layer 5", error.Message);
        Assert.Contains("0..4", error.Message);
    }

    [Fact]
    public void Load_ArrayWithWrongShape_ThrowsNamingFileAndArray()
    {
        using var folder = new TemporaryFolder();
        Capture(ThreeSites, folder);
        var arrays = Unlearn.Models.Formats.NpzFile.Read(folder.File("activations.npz")).ToDictionary();
        arrays["concept/layers.3.attn.out"] = Unlearn.Models.Formats.NpyArray.FromFloat32(new float[3 * 64], [3, 64]);
        Unlearn.Models.Formats.NpzFile.Write(folder.File("activations.npz"), arrays);

        var error = Assert.Throws<ActivationCacheException>(() => ActivationCache.Load(folder.Path));

        Assert.Contains("concept/layers.3.attn.out", error.Message);
        Assert.Contains("activations.npz", error.Message);
    }
}
