// Baked weights behave like the runtime edits they came from, at every position of two prompts: row masks, zeroed
// embedding rows (tied and untied), the −∞ mask in its zero-row form (and exactly the −∞ variant once the ban list is
// applied), LoRA merged with and without keep_masks, and direction removal; an SAE-style intervention is refused.
using Unlearn.Models.Edits;
using Unlearn.Models.Export;
using Unlearn.Models.Export.Release;
using Unlearn.Models.Hooks;
using Unlearn.Models.Tests.Transformer;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Tests.Export;

public class BakeEquivalenceTests
{
    private static readonly int[][] Prompts = [[1, 5, 10, 20, 30, 9, 7, 6, 44, 3], [1, 12, 99, 400, 337, 2]];

    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    [InlineData("stories260K")]
    public void MaskEdit_Baked_EqualsZeroRowFormAtRuntime(string name)
    {
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        var edits = exportCase.Masks;
        using var baked = WeightBaker.Bake(model.Model, [new MaskEdit(edits)]);

        var runtime = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = VocabularyRelease.ZeroRowForm(edits) });
        var plain = baked.Model.Forward(ForwardBatch.RightPadded(Prompts));

        ModelTestSupport.AssertClose(runtime.Logits, plain.Logits, 1e-5f, $"{name}: baked vs runtime zero-row form");
        Assert.NotEqual(model.Model.Forward(ForwardBatch.RightPadded(Prompts)).Logits, plain.Logits);
        Assert.Equal(edits.MaskedLogits.Order(), baked.BannedTokens);
    }

    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    [InlineData("stories260K")]
    public void MaskEdit_BakedWithItsBanList_EqualsTheNegativeInfinityVariant(string name)
    {
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        var edits = exportCase.Masks;
        using var baked = WeightBaker.Bake(model.Model, [new MaskEdit(edits)]);
        var bans = new ModelEdits(new Dictionary<string, int[]>(), baked.BannedTokens, []);

        var variant = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = edits }).Logits;
        var released = baked.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = bans }).Logits;

        for (int i = 0; i < variant.Length; i++)
        {
            Assert.True(float.IsNegativeInfinity(variant[i]) == float.IsNegativeInfinity(released[i]), $"{name}: −∞ pattern differs at {i}");
        }
        ModelTestSupport.AssertClose(Finite(variant), Finite(released), 1e-5f, $"{name}: baked + ban list vs −∞ variant");
    }

    [Fact]
    public void MaskEdit_TiedModelWithOutputRowsBeyondEmbeddingRows_IsUntiedAndKeepsInputRows()
    {
        // llama3-mini ties its embeddings; the case masks logits 30 and 700 without zeroing their input rows.
        using var model = ExportCase.Llama3Mini.Load();
        using var baked = WeightBaker.Bake(model.Model, [new MaskEdit(ExportCase.Llama3Mini.Masks)]);

        Assert.True(baked.Untied);
        Assert.False(baked.Model.Shape.TiedEmbeddings);
        Assert.Equal(WeightNames.LmHead, baked.Model.Weights.LmHead!.Name);
        Assert.True(baked.Model.Weights.LmHead.Row(700).ToArray().All(v => v == 0f));
        Assert.Equal(model.Model.Weights.Embedding.Row(700).ToArray(), baked.Model.Weights.Embedding.Row(700).ToArray());
        Assert.True(baked.Model.Weights.Embedding.Row(10).ToArray().All(v => v == 0f));
    }

    [Fact]
    public void MaskEdit_TiedModelWhoseOutputRowsAreItsEmbeddingRows_StaysTied()
    {
        using var model = ExportCase.Stories.Load();
        using var baked = WeightBaker.Bake(model.Model, [new MaskEdit(ExportCase.Stories.Masks)]);

        Assert.False(baked.Untied);
        Assert.Null(baked.Model.Weights.LmHead);
    }

    [Theory]
    [InlineData("llama3-mini", true)]
    [InlineData("llama3-mini", false)]
    [InlineData("qwen2-mini", true)]
    [InlineData("qwen2-mini", false)]
    public void Repaired_Baked_EqualsEvaluatesRuntimeVariant(string name, bool keepMasks)
    {
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        var masks = exportCase.Masks;
        var adapters = exportCase.Adapters(model)!;
        using var baked = WeightBaker.Bake(model.Model, VariantEdits.Repaired(masks, adapters, keepMasks));
        var release = VocabularyRelease.ZeroRowForm(masks);

        // Evaluate's hybrid+repair (EvaluateStage.RepairVariant): keep_masks masks rows after the adapter at runtime;
        // without it the rows are zeroed in the weights first (RepairedModel.BakeRows; here the mask bake, which the
        // tests above hold to the runtime masks) and the adapter runs on top.
        float[] runtime;
        if (keepMasks)
        {
            runtime = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = release, Adapters = adapters.Adapters }).Logits;
        }
        else
        {
            using var zeroed = WeightBaker.Bake(model.Model, [new MaskEdit(masks)]);
            runtime = zeroed.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Adapters = adapters.Adapters }).Logits;
        }
        var plain = baked.Model.Forward(ForwardBatch.RightPadded(Prompts)).Logits;

        ModelTestSupport.AssertClose(runtime, plain, 1e-4f, $"{name} keep_masks {keepMasks}: merged vs runtime adapter");
    }

    [Fact]
    public void Repaired_WithKeepMasks_LeavesMaskedRowsExactlyZero()
    {
        using var model = ExportCase.Llama3Mini.Load();
        using var baked = WeightBaker.Bake(model.Model, VariantEdits.Repaired(ExportCase.Llama3Mini.Masks, ExportCase.Llama3Mini.Adapters(model)!, keepMasks: true));

        foreach (int row in new[] { 3, 17, 40 })
        {
            Assert.True(baked.Model.Weights.Layers[0].Output.Weight.Row(row).ToArray().All(v => v == 0f), $"o_proj row {row} regrew");
        }
    }

    [Fact]
    public void Repaired_WithoutKeepMasks_LetsTheAdapterWriteIntoMaskedRows()
    {
        using var model = ExportCase.Qwen2Mini.Load();
        using var baked = WeightBaker.Bake(model.Model, VariantEdits.Repaired(ExportCase.Qwen2Mini.Masks, ExportCase.Qwen2Mini.Adapters(model)!, keepMasks: false));

        // k_proj row 2 of layer 1 is masked and adapted: the merge writes into it; its bias entry stays zero.
        Assert.Contains(baked.Model.Weights.Layers[1].Key.Weight.Row(2).ToArray(), v => v != 0f);
        Assert.Equal(0f, baked.Model.Weights.Layers[1].Key.Bias![2]);
    }

    [Theory]
    [InlineData(Projection.Output)]
    [InlineData(Projection.Down)]
    public void DirectionRemoval_Baked_EqualsProjectingTheSublayerOutput(Projection projection)
    {
        using var model = ExportCase.Qwen2Mini.Load();
        var direction = Enumerable.Range(0, model.Model.Shape.HiddenSize).Select(i => MathF.Sin(i * 0.7f) + 0.3f).ToArray();
        using var baked = WeightBaker.Bake(model.Model, [new DirectionRemovalEdit(1, projection, direction)]);
        var site = new HookSite(1, projection == Projection.Output ? SiteKind.AttentionOutput : SiteKind.MlpOutput);

        var hooked = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Hooks = [new ProjectOut(site, direction)] }).Logits;
        var plain = baked.Model.Forward(ForwardBatch.RightPadded(Prompts)).Logits;

        ModelTestSupport.AssertClose(hooked, plain, 1e-4f, "baked (I − uuᵀ)W vs projecting the output at runtime");
        Assert.NotEqual(model.Model.Forward(ForwardBatch.RightPadded(Prompts)).Logits, plain);
    }

    [Fact]
    public void Bake_WithAnInferenceIntervention_RefusesBeforeCopyingAndSaysWhatToDo()
    {
        using var model = ExportCase.Stories.Load();
        var edits = new IExportEdit[] { new MaskEdit(ExportCase.Stories.Masks), new InferenceInterventionEdit("sae-ablated", "ablates 12 SAE features at layers.3.residual", "play-stories260K") };

        var error = Assert.Throws<ExportRefusedException>(() => WeightBaker.Bake(model.Model, edits));

        Assert.Contains("sae-ablated", error.Message);
        Assert.Contains("unlearn generate --experiment play-stories260K --variant sae-ablated", error.Message);
        Assert.Contains("sidecar", error.Message);
    }

    [Fact]
    public void MaskEdit_NamingAnUnknownWeight_FailsNamingIt()
    {
        using var model = ExportCase.Stories.Load();
        var edits = new ModelEdits(new Dictionary<string, int[]> { ["model.layers.9.mlp.down_proj.weight"] = [1] }, [], []);

        var error = Assert.Throws<ArgumentException>(() => WeightBaker.Bake(model.Model, [new MaskEdit(edits)]));

        Assert.Contains("model.layers.9.mlp.down_proj.weight", error.Message);
    }

    private static float[] Finite(float[] values) => values.Select(v => float.IsNegativeInfinity(v) ? 0f : v).ToArray();

    /// <summary>Replaces a site's activations by their component orthogonal to a direction: x ← x − (x·u)u.</summary>
    private sealed class ProjectOut(HookSite site, float[] direction) : IActivationHook
    {
        private readonly double[] _unit = Normalise(direction);

        public bool Wants(HookSite candidate) => candidate == site;

        public void OnActivation(HookSite candidate, Span<float> activations, in HookContext context)
        {
            int width = context.Width;
            for (int row = 0; row < activations.Length / width; row++)
            {
                var x = activations.Slice(row * width, width);
                double along = 0;
                for (int i = 0; i < width; i++)
                {
                    along += x[i] * _unit[i];
                }
                for (int i = 0; i < width; i++)
                {
                    x[i] = (float)(x[i] - along * _unit[i]);
                }
            }
        }

        private static double[] Normalise(float[] v)
        {
            double norm = Math.Sqrt(v.Sum(x => (double)x * x));
            return v.Select(x => x / norm).ToArray();
        }
    }
}
