// SAE folders written by SAELens and by sparsify (fixtures from tests/reference/sae_formats_reference.py, written the
// way those tools write them) load and encode as numpy computes from the same files; what Unlearn writes in the
// SAELens layout has SAELens' config fields and tensors (checked with an independent safetensors reader) and reads back.
using System.Text.Json.Nodes;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Methods.Tests.Sae;

public sealed class SaeFormatTests
{
    private static readonly IReadOnlyDictionary<string, NpyArray> Expected = NpzArchive.Read(TestData.PathOf("sae", "formats-expected.npz"));

    [Theory]
    [InlineData("saelens")]
    [InlineData("sparsify")]
    public void Load_FolderWrittenByTheTool_EncodesAsNumpyDoes(string tool)
    {
        var sae = SaeFiles.Load(tool == "saelens" ? TestData.PathOf("sae", "saelens-topk") : TestData.PathOf("sae", "sparsify", "layers.1"));
        var x = Expected["x"].ToFloatArray();
        int rows = Expected["x"].Shape[0];
        var indices = new int[rows * sae.K];
        var codes = new float[rows * sae.K];

        sae.Encode(x, rows, Gemm.Create("managed"), indices, codes);
        var reconstruction = new float[rows * sae.InputWidth];
        sae.Decode(indices, codes, rows, sae.K, reconstruction);

        Assert.Equal(Expected[$"{tool}_indices"].ToInt64Array().Select(v => (int)v), indices);
        AssertClose(Expected[$"{tool}_codes"].ToDoubleArray(), codes, 1e-5);
        AssertClose(Expected[$"{tool}_xhat"].ToDoubleArray(), reconstruction, 1e-5);
    }

    [Fact]
    public void Load_SaeLensFolder_ReadsSizesAndSiteFromCfg()
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));

        Assert.Equal(new SaeShape(8, 32, 3), sae.Shape);
        Assert.Equal(new HookSite(2, SiteKind.Residual), sae.Site);
    }

    [Fact]
    public void Load_SparsifyHookpointFolder_TakesTheSiteFromItsName()
    {
        var sae = SparsifyFormat.Load(TestData.PathOf("sae", "sparsify", "layers.1"));

        Assert.Equal(new SaeShape(8, 32, 3), sae.Shape);
        Assert.Equal(new HookSite(1, SiteKind.Residual), sae.Site);
    }

    [Fact]
    public void Save_SaeLensLayout_HasSaeLensFieldsAndTensorsAndReadsBack()
    {
        var original = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));
        using var folder = new TemporaryFolder();

        SaeLensFormat.Save(original, folder.Path, new SaeLensMetadata { ModelName = "tiny-test", ContextSize = 128 });

        var config = JsonNode.Parse(File.ReadAllText(folder.File("cfg.json")))!.AsObject();
        Assert.Equal("topk", (string?)config["architecture"]);
        Assert.Equal(8, (int?)config["d_in"]);
        Assert.Equal(32, (int?)config["d_sae"]);
        Assert.Equal(3, (int?)config["k"]);
        Assert.Equal("none", (string?)config["normalize_activations"]);
        Assert.Equal("blocks.2.hook_resid_post", (string?)config["metadata"]!["hook_name"]);
        Assert.Equal("6.18.0", (string?)config["metadata"]!["sae_lens_version"]);
        var tensors = SafetensorsLayout.Read(folder.File("sae_weights.safetensors"));
        Assert.Equal(["W_dec", "W_enc", "b_dec", "b_enc"], tensors.Keys.Order(StringComparer.Ordinal));
        Assert.All(tensors.Values, t => Assert.Equal("F32", t.DType));
        Assert.Equal([8L, 32L], tensors["W_enc"].Shape);
        Assert.Equal([32L, 8L], tensors["W_dec"].Shape);
        // The tensors are the fixture's, value for value (W_enc written back in SAELens' [d_in, d_sae] layout).
        Assert.Equal(Expected["saelens_W_enc"].ToFloatArray(), SafetensorsLayout.Floats(tensors["W_enc"]));
        Assert.Equal(Expected["saelens_W_dec"].ToFloatArray(), SafetensorsLayout.Floats(tensors["W_dec"]));
        Assert.Equal(Expected["saelens_b_enc"].ToFloatArray(), SafetensorsLayout.Floats(tensors["b_enc"]));
        Assert.Equal(Expected["saelens_b_dec"].ToFloatArray(), SafetensorsLayout.Floats(tensors["b_dec"]));
        var reread = SaeLensFormat.Load(folder.Path);
        Assert.Equal(original.EncoderWeight, reread.EncoderWeight);
        Assert.Equal(original.Site, reread.Site);
    }

    [Fact]
    public void Load_OtherArchitecture_IsRefusedNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        CopyFixture("saelens-topk", folder.Path);
        var config = JsonNode.Parse(File.ReadAllText(folder.File("cfg.json")))!.AsObject();
        config["architecture"] = "jumprelu";
        File.WriteAllText(folder.File("cfg.json"), config.ToJsonString());

        var error = Assert.Throws<SaeException>(() => SaeFiles.Load(folder.Path));

        Assert.Contains("jumprelu", error.Message);
        Assert.Contains(folder.File("cfg.json"), error.Message);
    }

    [Fact]
    public void Load_TensorOfTheWrongShape_IsRefusedNamingTheTensor()
    {
        using var folder = new TemporaryFolder();
        CopyFixture("saelens-topk", folder.Path);
        var config = JsonNode.Parse(File.ReadAllText(folder.File("cfg.json")))!.AsObject();
        config["d_sae"] = 16;
        File.WriteAllText(folder.File("cfg.json"), config.ToJsonString());

        var error = Assert.Throws<SaeException>(() => SaeFiles.Load(folder.Path));

        Assert.Contains("'W_enc' is [8, 32] but cfg.json implies [8, 16]", error.Message);
    }

    [Fact]
    public void Load_SparsifyTranscoder_IsRefused()
    {
        using var folder = new TemporaryFolder();
        string hookpoint = Path.Combine(folder.Path, "layers.1");
        Directory.CreateDirectory(hookpoint);
        CopyFixture(Path.Combine("sparsify", "layers.1"), hookpoint);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(hookpoint, "cfg.json")))!.AsObject();
        config["transcode"] = true;
        File.WriteAllText(Path.Combine(hookpoint, "cfg.json"), config.ToJsonString());

        var error = Assert.Throws<SaeException>(() => SaeFiles.Load(hookpoint));

        Assert.Contains("transcoder", error.Message);
    }

    [Fact]
    public void Load_FolderWithoutAnSae_SaysWhatWasExpected()
    {
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<SaeException>(() => SaeFiles.Load(folder.Path));

        Assert.Contains("sae_weights.safetensors", error.Message);
        Assert.Contains("sae.safetensors", error.Message);
    }

    [Fact]
    public void RequireSite_SaeOfAnotherLayer_IsRefused()
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));

        var error = Assert.Throws<SaeException>(() => sae.RequireSite(new HookSite(3, SiteKind.Residual), 8, "test"));

        Assert.Contains("layers.2.residual", error.Message);
        Assert.Contains("layers.3.residual", error.Message);
    }

    private static void CopyFixture(string name, string destination)
    {
        foreach (var file in Directory.GetFiles(TestData.PathOf("sae", name)))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(scale, 1e-6),
                $"element {i}: numpy {expected[i]}, ours {actual[i]} (tensor scale {scale})");
        }
    }
}
