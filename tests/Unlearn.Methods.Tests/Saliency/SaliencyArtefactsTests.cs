// The saliency stage's files read back, and its masks applied to the bundled model: the corrected mapping
// silences exactly the scored coordinate of the site, the seed mapping does not.
using System.Text.Json;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Tests.Activations;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Edits;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Tests.Saliency;

public class SaliencyArtefactsTests
{
    private static readonly HookSite Attention2 = new(2, SiteKind.AttentionOutput);
    private static readonly HookSite Mlp2 = new(2, SiteKind.MlpOutput);
    private static readonly HookSite Neurons3 = new(3, SiteKind.MlpActivation);

    private static SiteActivations[] Planted() =>
    [
        SyntheticActivations.Site(Attention2, 64, 100, 100, seed: 1, (5, 1.5f)),
        SyntheticActivations.Site(Mlp2, 64, 100, 100, seed: 2, (40, 2.0f)),
        SyntheticActivations.Site(Neurons3, 172, 100, 100, seed: 3, (100, 2.0f)),
    ];

    private static SaliencyResult Run(TemporaryFolder folder, SaliencyOptions? options = null, SiteActivations[]? sites = null) =>
        SaliencyAnalysis.Run(sites ?? Planted(), SyntheticActivations.Stories260K, options ?? new SaliencyOptions { PruneFraction = 0.01 }, folder.Path);

    [Fact]
    public void Masks_ReadBack_AsTheSelectedRowEdits()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder);

        var edits = SaliencyArtefacts.LoadEdits(folder.Path);

        Assert.Equal(result.PrunedRows, edits.RowMasks);
        Assert.Empty(edits.MaskedLogits);
    }

    [Fact]
    public void Masks_AreUInt8VectorsAsLongAsTheWeightHasRows()
    {
        using var folder = new TemporaryFolder();
        Run(folder);

        using var file = SafetensorsFile.Open(folder.File(SaliencyAnalysis.MasksFile));

        var gate = file.GetTensor("model.layers.3.mlp.gate_proj.weight");
        Assert.Equal(SafetensorsDType.UInt8, gate.DType);
        Assert.Equal([172L], gate.Shape.ToArray());
        Assert.Equal(171, gate.Bytes.ToArray().Count(b => b == 1));
        Assert.Equal(0, gate.Bytes[100]);
        Assert.Equal([64L], file.GetTensor("model.layers.2.self_attn.o_proj.weight").Shape.ToArray());
        Assert.Equal(RowMaskFile.Format, file.Metadata["format"]);
    }

    [Fact]
    public void Masks_Float32Option_ReadsBackTheSame()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder, new SaliencyOptions { PruneFraction = 0.01, MaskDType = RowMaskDType.Float32 });

        using (var file = SafetensorsFile.Open(folder.File(SaliencyAnalysis.MasksFile)))
        {
            Assert.Equal(SafetensorsDType.Float32, file.GetTensor("model.layers.2.mlp.down_proj.weight").DType);
        }
        Assert.Equal(result.PrunedRows, SaliencyArtefacts.LoadEdits(folder.Path).RowMasks);
    }

    [Fact]
    public void Scores_ReadBack_OneVectorPerSite()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder);

        var scores = SaliencyArtefacts.ReadScores(folder.Path);

        Assert.Equal([Attention2, Mlp2, Neurons3], scores.Keys);
        Assert.Equal(result.Sites[2].Scores.Select(s => (float)s), scores[Neurons3]);
    }

    [Fact]
    public void Selection_ListsEveryRowWithRankAndTheNeuronTwice()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File(SaliencyAnalysis.SelectionFile)));
        var root = json.RootElement;
        var rows = root.GetProperty("selected").EnumerateArray().ToArray();

        Assert.Equal(300, root.GetProperty("candidate_units").GetInt32());
        Assert.Equal(3, root.GetProperty("budget").GetInt32());
        Assert.Equal(4, rows.Length);
        var neuron = rows.Where(r => r.GetProperty("site").GetString() == "layers.3.mlp.act").ToArray();
        Assert.Equal(["model.layers.3.mlp.gate_proj.weight", "model.layers.3.mlp.up_proj.weight"], neuron.Select(r => r.GetProperty("tensor").GetString()));
        Assert.Equal(neuron[0].GetProperty("rank").GetInt32(), neuron[1].GetProperty("rank").GetInt32());
        Assert.Equal(result.Selected[0].Score, rows[0].GetProperty("score").GetDouble());
    }

    [Fact]
    public void Probe_ReportsAccuracyCAndSupportPerSite()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File(SaliencyAnalysis.ProbeFile)));
        var site = json.RootElement.GetProperty("sites").GetProperty("layers.2.mlp.out");

        Assert.Equal(2.0, site.GetProperty("c").GetDouble());
        Assert.Equal(40, site.GetProperty("heldout_rows").GetInt32());
        Assert.Equal(result.Sites[1].Report.HeldOutAccuracy, site.GetProperty("heldout_accuracy").GetDouble());
        Assert.True(site.GetProperty("heldout_accuracy").GetDouble() > 0.75);
        Assert.Equal(result.Sites[1].Report.NonZeroCount, site.GetProperty("nonzero").GetInt32());
    }

    [Fact]
    public void Probe_CrossValidationGrid_RecordsTheTableAndTheChosenC()
    {
        using var folder = new TemporaryFolder();
        var options = new SaliencyOptions { PruneFraction = 0.01, Probe = new() { CrossValidationGrid = [0.01, 1], CrossValidationFolds = 3 } };
        var result = Run(folder, options, Planted()[..1]);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File(SaliencyAnalysis.ProbeFile)));
        var cv = json.RootElement.GetProperty("sites").GetProperty("layers.2.attn.out").GetProperty("cross_validation");

        Assert.Equal(2, cv.GetProperty("grid").GetArrayLength());
        Assert.Equal(result.Sites[0].Report.C, cv.GetProperty("chosen_c").GetDouble());
    }

    [Fact]
    public void Run_ZeroPruneFraction_WritesAMaskFileWithNoMasks()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder, new SaliencyOptions { PruneFraction = 0 });

        Assert.Equal(0, result.Budget);
        Assert.Empty(result.Selected);
        Assert.True(SaliencyArtefacts.LoadEdits(folder.Path).IsEmpty);
    }

    [Fact]
    public void Probe_TTestWeighting_IsRecordedAndScalesTheScores()
    {
        using var plain = new TemporaryFolder();
        using var weighted = new TemporaryFolder();
        var sites = Planted()[..1];
        var unweighted = Run(plain, new SaliencyOptions { PruneFraction = 0.01 }, sites);

        var result = Run(weighted, new SaliencyOptions { PruneFraction = 0.01, Probe = new() { TTestWeighting = true } }, sites);

        using var json = JsonDocument.Parse(File.ReadAllText(weighted.File(SaliencyAnalysis.ProbeFile)));
        Assert.True(json.RootElement.GetProperty("sites").GetProperty("layers.2.attn.out").GetProperty("ttest_weighting").GetBoolean());
        Assert.True(result.Sites[0].Scores[5] > 10 * unweighted.Sites[0].Scores[5], "a planted shift has p ≪ 1e-10, so −log10 p > 10");
        Assert.Equal(5, result.Selected.Single().Unit);
    }

    [Fact]
    public void Edits_CorrectedMapping_SilenceExactlyTheScoredCoordinates()
    {
        using var folder = new TemporaryFolder();
        var edits = Run(folder).ToModelEdits();

        var seen = RunBundled(edits, [Attention2, Mlp2, Neurons3]);

        Assert.True(ColumnIsZero(seen[Attention2], 64, 5));
        Assert.True(ColumnIsZero(seen[Mlp2], 64, 40));
        Assert.True(ColumnIsZero(seen[Neurons3], 172, 100));
        Assert.False(ColumnIsZero(seen[Attention2], 64, 6));
    }

    [Fact]
    public void Edits_SeedMapping_LeaveTheScoredCoordinateAlive()
    {
        using var folder = new TemporaryFolder();
        var edits = Run(folder, new SaliencyOptions { Compat = MappingCompat.Seed, PruneFraction = 0.004 }, Planted()[..2]).ToModelEdits();

        var seen = RunBundled(edits, [Attention2, Mlp2]);

        Assert.False(ColumnIsZero(seen[Attention2], 64, 5));
        Assert.False(ColumnIsZero(seen[Mlp2], 64, 40));
    }

    [Fact]
    public void Run_OnCapturedActivations_WritesAllFourFiles()
    {
        using var cacheFolder = new TemporaryFolder();
        using var output = new TemporaryFolder();
        var model = BundledModel.Stories260K;
        ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), CaptureTestData.Examples, new ActivationOptions { Layers = [3, 4] }, new ModelIdentity("m", "d"), cacheFolder.Path);

        var result = SaliencyAnalysis.Run(ActivationCache.Load(cacheFolder.Path), model.Model.Shape, new SaliencyOptions { PruneFraction = 0.05 }, output.Path);

        Assert.Equal(4, result.Sites.Count);
        Assert.Equal(13, result.Budget);   // round(0.05 × 4 × 64) = 12.8 → 13
        foreach (var file in new[] { SaliencyAnalysis.ScoresFile, SaliencyAnalysis.SelectionFile, SaliencyAnalysis.MasksFile, SaliencyAnalysis.ProbeFile })
        {
            Assert.True(File.Exists(output.File(file)), file);
        }
        Assert.All(result.PrunedRows.Keys, name => Assert.Matches(@"^model\.layers\.[34]\.(self_attn\.o_proj|mlp\.down_proj)\.weight$", name));
    }

    private static Dictionary<HookSite, float[]> RunBundled(ModelEdits edits, HookSite[] sites)
    {
        var model = BundledModel.Stories260K;
        var hook = new RecordingHook(sites);
        var tokens = model.RequireTokenizer().Encode("Lily and Tom went to play in the park with a big red ball.").ToArray();
        model.Model.Forward(ForwardBatch.RightPadded([tokens]), null, new ForwardOptions { Edits = edits, Hooks = [hook] });
        return hook.Seen;
    }

    private static bool ColumnIsZero(float[] rows, int width, int column)
    {
        for (int r = 0; r < rows.Length / width; r++)
        {
            if (rows[r * width + column] != 0)
            {
                return false;
            }
        }
        return true;
    }
}
