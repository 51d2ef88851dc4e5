// Edits are applied on the fly and must equal editing the weights themselves; hooks see every site with the
// right width and may replace activations. llama3-mini is used where weights are modified directly: its BF16
// tensors are widened into owned memory (F32 files are mapped read-only).
using Unlearn.Models.Edits;
using Unlearn.Models.Generation;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Tests.Transformer;

public class EditsAndHooksTests
{
    private static readonly int[][] Prompts = [[1, 667, 545, 440, 859, 446], [1, 12, 99, 1000]];

    [Theory]
    [InlineData("model.layers.1.self_attn.o_proj.weight")]
    [InlineData("model.layers.2.mlp.down_proj.weight")]
    [InlineData("model.layers.0.mlp.gate_proj.weight")]
    [InlineData("model.layers.1.self_attn.q_proj.weight")]
    public void RowMask_EqualsZeroingTheWeightRows(string weightName)
    {
        int[] rows = [0, 3, 17];
        using var edited = Load();
        using var zeroed = Load();
        Assert.True(WeightNames.TryParseWeight(weightName, out int layer, out var projection));
        foreach (var row in rows)
        {
            zeroed.Model.Weights.Layers[layer][projection].Weight.Row(row).Clear();
        }
        var edits = new ModelEdits(new Dictionary<string, int[]> { [weightName] = rows }, [], []);

        var expected = zeroed.Model.Forward(ForwardBatch.RightPadded(Prompts));
        var actual = edited.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = edits });
        var unedited = edited.Model.Forward(ForwardBatch.RightPadded(Prompts));

        ModelTestSupport.AssertClose(expected.Logits, actual.Logits, 1e-5f, "masked vs zeroed weights");
        Assert.NotEqual(unedited.Logits, actual.Logits);
    }

    [Fact]
    public void ZeroedEmbeddingRows_WithTiedEmbeddings_EqualZeroingTheSharedRow()
    {
        int[] ids = [545, 859];
        using var edited = Load();
        using var zeroed = Load();
        foreach (var id in ids)
        {
            zeroed.Model.Weights.Embedding.Row(id).Clear();
        }
        var edits = new ModelEdits(new Dictionary<string, int[]>(), [], ids);

        var expected = zeroed.Model.Forward(ForwardBatch.RightPadded(Prompts));
        var actual = edited.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = edits });

        ModelTestSupport.AssertClose(expected.Logits, actual.Logits, 1e-5f, "embedding edit vs zeroed shared row");
        Assert.Equal(0f, actual.Row(0)[545]);
    }

    [Fact]
    public void LogitMask_MakesTokensNegativeInfinityAndUnsampleable()
    {
        using var model = Load();
        var plain = model.Model.Forward(ForwardBatch.LeftPadded(Prompts), options: new ForwardOptions { Logits = LogitsMode.LastColumn });
        int top = Enumerable.Range(0, plain.VocabSize).MaxBy(i => plain.Row(0)[i]);
        var edits = new ModelEdits(new Dictionary<string, int[]>(), [top], []);
        var masked = model.Model.Forward(ForwardBatch.LeftPadded(Prompts), options: new ForwardOptions { Edits = edits, Logits = LogitsMode.LastColumn });
        Assert.True(float.IsNegativeInfinity(masked.Row(0)[top]));

        var generated = new Generator(model.Model, new ForwardOptions { Edits = edits }).Generate(
            Prompts, new GenerationRequest { MaxNewTokens = 30, Seed = 3, Sampling = new SamplingSettings { Temperature = 2f } });
        Assert.All(generated, g => Assert.DoesNotContain(top, g.NewIds));
    }

    [Theory]
    [InlineData("model.layers.9.mlp.up_proj.weight")]
    [InlineData("model.layers.0.mlp.fc1.weight")]
    public void RowMask_UnknownWeight_IsRefusedWithItsName(string weightName)
    {
        using var model = Load();
        var edits = new ModelEdits(new Dictionary<string, int[]> { [weightName] = [0] }, [], []);
        var error = Assert.Throws<ArgumentException>(() => model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = edits }));
        Assert.Contains(weightName, error.Message);
    }

    [Fact]
    public void RowMask_RowOutOfRange_IsRefused()
    {
        using var model = Load();
        var edits = new ModelEdits(new Dictionary<string, int[]> { ["model.layers.0.self_attn.o_proj.weight"] = [64] }, [], []);
        Assert.Throws<ArgumentException>(() => model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = edits }));
    }

    [Fact]
    public void Hooks_SeeEverySiteOfEveryLayerWithItsWidth()
    {
        using var model = Load();
        var observer = new SiteObserver();
        model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Hooks = [observer] });
        var shape = model.Model.Shape;
        Assert.Equal(shape.LayerCount * 5, observer.Widths.Count);
        Assert.Equal(shape.IntermediateSize, observer.Widths["layers.0.mlp.act"]);
        Assert.Equal(shape.HiddenSize, observer.Widths[$"layers.{shape.LayerCount - 1}.residual"]);
    }

    [Fact]
    public void InterventionHook_ReplacingActivations_ChangesTheOutput_AndObserverDoesNot()
    {
        using var model = Load();
        var plain = model.Model.Forward(ForwardBatch.RightPadded(Prompts));
        var observed = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Hooks = [new SiteObserver()] });
        Assert.Equal(plain.Logits, observed.Logits);

        var zeroMlp = new ZeroSite(new HookSite(1, SiteKind.MlpOutput));
        var intervened = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Hooks = [zeroMlp] });
        var maskedDown = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions
        {
            Edits = new ModelEdits(new Dictionary<string, int[]> { ["model.layers.1.mlp.down_proj.weight"] = Enumerable.Range(0, 64).ToArray() }, [], []),
        });
        ModelTestSupport.AssertClose(maskedDown.Logits, intervened.Logits, 1e-6f, "zeroed mlp.out vs masked down_proj");
        Assert.NotEqual(plain.Logits, intervened.Logits);
    }

    private static PretrainedModel Load() => PretrainedModel.Load(TestData.GoldenModel("llama3-mini"));

    private sealed class SiteObserver : IActivationHook
    {
        public Dictionary<string, int> Widths { get; } = [];

        public bool Wants(HookSite site) => true;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
        {
            Assert.Equal(context.BatchSize * context.ColumnCount * context.Width, activations.Length);
            Widths[site.Name] = context.Width;
        }
    }

    private sealed class ZeroSite(HookSite target) : IActivationHook
    {
        public bool Wants(HookSite site) => site == target;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context) => activations.Clear();
    }
}
