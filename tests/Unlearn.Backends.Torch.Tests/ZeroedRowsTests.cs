// IModelRuntime.WithZeroedRows (keep_masks: false) on both backends: zeroing rows in weight copies must run as the
// row-mask edit does (a zero weight row and bias entry give an exactly zero output feature), leave the original
// runtime's weights untouched, let an adapter write into the zeroed rows (which the edit would force back to zero),
// and agree across backends within the parity tolerance (1e-4 absolute, fp32).
using Unlearn.Models;
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;

namespace Unlearn.Backends.Torch.Tests;

public class ZeroedRowsTests
{
    private static readonly int[][] Prompts = [[1, 667, 545, 440, 759, 446], [1, 12, 99, 700]];

    // qwen2-mini has q/k/v biases, so a zeroed q_proj row must zero its bias entry too.
    private static readonly Dictionary<string, int[]> Rows = new(StringComparer.Ordinal)
    {
        [WeightNames.Weight(1, Projection.Output)] = [0, 3],
        [WeightNames.Weight(0, Projection.Query)] = [2, 7],
        [WeightNames.Weight(1, Projection.Down)] = [5],
    };

    public static TheoryData<string, string> Cases() => new()
    {
        { "managed", "llama3-mini" }, { "managed", "qwen2-mini" }, { "torch", "llama3-mini" }, { "torch", "qwen2-mini" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WithZeroedRows_RunsAsTheRowMaskEdit_AndLeavesTheOriginalAlone(string backend, string name)
    {
        using var model = Load(backend, name);
        var batch = ForwardBatch.RightPadded(Prompts);
        int vocab = model.Runtime.Shape.VocabSize;
        var before = Parity.ValidRows(model.Runtime.Forward(batch).Logits, batch.Valid, vocab);
        var edited = Parity.ValidRows(model.Runtime.Forward(batch, options: new ForwardOptions { Edits = new ModelEdits(Rows, [], []) }).Logits, batch.Valid, vocab);

        float[] zeroed;
        using (var baked = model.Runtime.WithZeroedRows(Rows))
        {
            zeroed = Parity.ValidRows(baked.Forward(batch).Logits, batch.Valid, vocab);
        }
        var after = Parity.ValidRows(model.Runtime.Forward(batch).Logits, batch.Valid, vocab);

        Assert.True(before.Zip(edited).Max(p => MathF.Abs(p.First - p.Second)) > 1e-3f, "the rows chosen do not change the logits, so the test would prove nothing");
        Parity.AssertClose(edited, zeroed, backend == "managed" ? 0f : 1e-5f, $"{backend} {name} zeroed rows vs row-mask edit");
        Parity.AssertClose(before, after, 0f, $"{backend} {name} original after WithZeroedRows");
    }

    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    public void WithZeroedRows_UnderAnAdapter_TheAdapterWritesIntoTheRows_OnBothBackendsAlike(string name)
    {
        using var managed = Parity.Managed(TestPaths.Data("golden", name));
        using var torch = Parity.Torch(TestPaths.Data("golden", name));
        var batch = ForwardBatch.RightPadded(Prompts);
        var adapters = Adapter(managed.Runtime.Shape);

        var (managedLogits, managedSite) = RunZeroed(managed, batch, adapters);
        var (torchLogits, torchSite) = RunZeroed(torch, batch, adapters);

        int hidden = managed.Runtime.Shape.HiddenSize;
        Assert.True(MathF.Abs(managedSite[3]) > 1e-4f, $"row 3 of layers.1 o_proj stayed {managedSite[3]} under the adapter");
        Parity.AssertClose(Parity.ValidRows(managedSite, batch.Valid, hidden), Parity.ValidRows(torchSite, batch.Valid, hidden), 1e-4f, $"{name} layers.1.attn.out");
        int vocab = managed.Runtime.Shape.VocabSize;
        Parity.AssertClose(Parity.ValidRows(managedLogits, batch.Valid, vocab), Parity.ValidRows(torchLogits, batch.Valid, vocab), 1e-4f, $"{name} logits");
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("torch")]
    public void WithZeroedRows_NotAProjectionOrRowOutside_ThrowsNamingIt(string backend)
    {
        using var model = Load(backend, "llama3-mini");

        var head = Assert.Throws<ArgumentException>(() => model.Runtime.WithZeroedRows(new Dictionary<string, int[]> { [WeightNames.LmHead] = [1] }));
        var row = Assert.Throws<ArgumentException>(() => model.Runtime.WithZeroedRows(new Dictionary<string, int[]> { [WeightNames.Weight(0, Projection.Output)] = [1 << 20] }));

        Assert.Contains(WeightNames.LmHead, head.Message);
        Assert.Contains(WeightNames.Weight(0, Projection.Output), row.Message);
    }

    private static PretrainedModel Load(string backend, string name) =>
        backend == "managed" ? Parity.Managed(TestPaths.Data("golden", name)) : Parity.Torch(TestPaths.Data("golden", name));

    private static (float[] Logits, float[] Site) RunZeroed(PretrainedModel model, ForwardBatch batch, AdapterSet adapters)
    {
        using var baked = model.Runtime.WithZeroedRows(Rows);
        var recorder = new SiteRecorder();
        var result = baked.Forward(batch, options: new ForwardOptions { Adapters = adapters.Adapters, Hooks = [recorder] });
        return (result.Logits, recorder.Values[new HookSite(1, SiteKind.AttentionOutput).Name]);
    }

    // An adapter on layer 1's projections with B drawn (a fresh adapter's B = 0 would write nothing).
    private static AdapterSet Adapter(TransformerShape shape)
    {
        var adapters = AdapterSet.Create(shape, new LoraSettings { Rank = 4, Alpha = 8, Layers = [1] }, 5);
        var random = new SeededRandom(6);
        foreach (var adapter in adapters.Adapters.Values)
        {
            for (int i = 0; i < adapter.B.Length; i++)
            {
                adapter.B.Value[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
            }
        }
        return adapters;
    }
}
