// The torch backend against the managed engine (both held to the PyTorch goldens: the torch rows of GoldenModelTests,
// GoldenGradientTests and Stories260KTests in Unlearn.Models.Tests) on what the goldens do not cover:
// edits, LoRA adapters with masks, observers and interventions at hook sites, KV-cache generation of a padded batch,
// training steps into adapters and observed sites with dropout, and errors. Tolerances: 1e-4 absolute on logits and
// activations (fp32, different summation orders), 1e-4 relative on gradients, exact on generated ids.
using Unlearn.Models;
using Unlearn.Models.Edits;
using Unlearn.Models.Generation;
using Unlearn.Models.Hooks;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;

namespace Unlearn.Backends.Torch.Tests;

public class TorchParityTests
{
    private static readonly int[][] Prompts = [[1, 667, 545, 440, 759, 446], [1, 12, 99, 700]];

    public static TheoryData<string> Models() => new() { "llama3-mini", "qwen2-mini", "llama2-mini" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_WithEditsAdaptersAndHooks_MatchesTheManagedEngine(string name)
    {
        using var managed = Parity.Managed(TestPaths.Data("golden", name));
        using var torch = Parity.Torch(TestPaths.Data("golden", name));
        var shape = managed.Runtime.Shape;
        var edits = new ModelEdits(
            new Dictionary<string, int[]> { [WeightNames.Weight(1, Projection.Output)] = [0, 3], [WeightNames.Weight(1, Projection.Down)] = [5] },
            maskedLogits: [5, 7], zeroedEmbeddingRows: [12]);
        var adapters = Adapters(shape, seed: 3);
        var batch = ForwardBatch.RightPadded(Prompts);

        var (expected, expectedSites) = Run(managed, batch, edits, adapters);
        var (actual, actualSites) = Run(torch, batch, edits, adapters);

        Parity.AssertClose(Parity.ValidRows(expected.Logits, batch.Valid, shape.VocabSize), Parity.ValidRows(actual.Logits, batch.Valid, shape.VocabSize), 1e-4f, $"{name} logits");
        Assert.Equal(expectedSites.Keys.Order(), actualSites.Keys.Order());
        foreach (var (site, values) in expectedSites)
        {
            int width = values.Length / batch.RowCount;
            Parity.AssertClose(Parity.ValidRows(values, batch.Valid, width), Parity.ValidRows(actualSites[site], batch.Valid, width), 1e-4f, $"{name} {site}");
        }
        Assert.Equal(float.NegativeInfinity, actual.Row(0)[5]);
        Assert.Equal(0f, actualSites["layers.1.attn.out"][3]);
        Assert.Equal(0f, actualSites["layers.0.residual"][0]);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainingStep_WithAdaptersSitesAndDropout_MatchesTheManagedEngine(string name)
    {
        using var managed = Parity.Managed(TestPaths.Data("golden", name));
        using var torch = Parity.Torch(TestPaths.Data("golden", name));
        var shape = managed.Runtime.Shape;
        var edits = new ModelEdits(new Dictionary<string, int[]> { [WeightNames.Weight(0, Projection.Up)] = [1, 2] }, maskedLogits: [440], zeroedEmbeddingRows: [12, 99]);
        var batch = ForwardBatch.RightPadded(Prompts);
        var labels = new int[batch.RowCount];
        Array.Fill(labels, -100);
        for (int b = 0; b < Prompts.Length; b++)
        {
            for (int t = 1; t + 1 < Prompts[b].Length; t++)
            {
                labels[b * batch.ColumnCount + t] = Prompts[b][t + 1];
            }
        }
        HookSite[] sites = [new(0, SiteKind.MlpActivation), new(1, SiteKind.Residual), new(0, SiteKind.Input)];
        var managedAdapters = Adapters(shape, seed: 5, dropout: 0.25f);
        var torchAdapters = Adapters(shape, seed: 5, dropout: 0.25f);

        var expected = managed.Runtime.TrainingStep(batch, labels, Options(edits, managedAdapters, sites), normalizer: 7f);
        var actual = torch.Runtime.TrainingStep(batch, labels, Options(edits, torchAdapters, sites), normalizer: 7f);

        Assert.Equal(expected.CountedTokens, actual.CountedTokens);
        Assert.Equal(1, actual.MaskedLabels);
        Assert.Equal(expected.MaskedLabels, actual.MaskedLabels);
        Assert.True(Math.Abs(expected.Loss - actual.Loss) <= 1e-5 * Math.Abs(expected.Loss), $"{name}: loss {actual.Loss}, managed {expected.Loss}");
        foreach (var (module, adapter) in managedAdapters.Adapters)
        {
            Parity.AssertRelative(adapter.A.Gradient, torchAdapters.Adapters[module].A.Gradient, 1e-4, $"{name} {module} dA");
            Parity.AssertRelative(adapter.B.Gradient, torchAdapters.Adapters[module].B.Gradient, 1e-4, $"{name} {module} dB");
        }
        foreach (var site in sites)
        {
            var e = expected.Sites[site.Name];
            var a = actual.Sites[site.Name];
            Assert.Equal((e.Rows, e.Width), (a.Rows, a.Width));
            Parity.AssertClose(e.Value, a.Value, 1e-4f, $"{name} {site} value");
            Parity.AssertRelative(e.Gradient, a.Gradient, 1e-4, $"{name} {site} gradient");
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.8f)]
    public void Generate_PaddedBatchWithKvCache_GivesTheManagedEnginesIds(float temperature)
    {
        using var managed = Parity.Managed(TestPaths.Data("stories260K"));
        using var torch = Parity.Torch(TestPaths.Data("stories260K"));
        var tokenizer = managed.RequireTokenizer();
        IReadOnlyList<int>[] prompts = [[1, .. tokenizer.Encode("Once upon a time")], [1, .. tokenizer.Encode("Lily")], [1]];
        var request = new GenerationRequest
        {
            MaxNewTokens = 48,
            Seed = 11,
            Sampling = new SamplingSettings { Temperature = temperature, TopK = temperature > 0 ? 40 : 0, TopP = temperature > 0 ? 0.95f : 1f },
            StopIds = managed.StopIds,
        };
        var options = new ForwardOptions { Edits = new ModelEdits(new Dictionary<string, int[]>(), maskedLogits: [tokenizer.Encode(" play")[0]], []) };

        var expected = new Generator(managed.Runtime, options).Generate(prompts, request);
        var actual = new Generator(torch.Runtime, options).Generate(prompts, request);

        for (int b = 0; b < prompts.Length; b++)
        {
            Assert.Equal(expected[b].NewIds, actual[b].NewIds);
            Assert.Equal(expected[b].StopReason, actual[b].StopReason);
        }
        Assert.Contains(actual, r => r.NewIds.Length > 10);
    }

    [Fact]
    public void Forward_BFloat16OnTheCpu_StaysCloseToFloat32()
    {
        using var full = Parity.Torch(TestPaths.Data("golden", "llama3-mini"));
        using var half = Parity.Torch(TestPaths.Data("golden", "llama3-mini"), new TorchSettings { Precision = TorchPrecision.BFloat16 });
        var batch = ForwardBatch.RightPadded(Prompts);

        var expected = full.Runtime.Forward(batch);
        var actual = half.Runtime.Forward(batch);

        Assert.StartsWith("torch/cpu/bfloat16/threads=", half.Runtime.Description);
        var valid = Parity.ValidRows(expected.Logits, batch.Valid, full.Runtime.Shape.VocabSize);
        var validHalf = Parity.ValidRows(actual.Logits, batch.Valid, full.Runtime.Shape.VocabSize);
        Assert.NotEqual(valid, validHalf);
        Parity.AssertRelative(valid, validHalf, 0.05, "bfloat16 vs float32 logits");
    }

    [Fact]
    public void Forward_CacheOfAnotherRuntime_IsRefused()
    {
        using var managed = Parity.Managed(TestPaths.Data("stories260K"));
        using var torch = Parity.Torch(TestPaths.Data("stories260K"));
        using var cache = managed.Runtime.CreateCache(1, 8);

        var error = Assert.Throws<ArgumentException>(() => torch.Runtime.Forward(ForwardBatch.LeftPadded([[1, 2]]), cache));
        Assert.Contains("CreateCache", error.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    public void Load_UnknownDevice_IsRefusedNamingTheSetting(string device)
    {
        var error = Assert.Throws<TorchBackendException>(() => Parity.Torch(TestPaths.Data("stories260K"), new TorchSettings { Device = device }));
        Assert.Contains($"settings.device '{device}'", error.Message);
    }

    [Fact]
    public void Load_CudaWithoutACudaDevice_SaysWhichPackageSwitchACudaBuildNeeds()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return;   // a CUDA machine with a CUDA build: nothing to refuse
        }
        var error = Assert.Throws<TorchBackendException>(() => Parity.Torch(TestPaths.Data("stories260K"), new TorchSettings { Device = "cuda" }));
        Assert.Contains("-p:TorchPackage=TorchSharp-cuda-linux", error.Message);
    }

    private static (ForwardResult Result, Dictionary<string, float[]> Sites) Run(PretrainedModel model, ForwardBatch batch, ModelEdits edits, AdapterSet adapters)
    {
        var recorder = new SiteRecorder();
        var result = model.Runtime.Forward(batch, options: new ForwardOptions { Edits = edits, Adapters = adapters.Adapters, Hooks = [new Intervention(), recorder] });
        return (result, recorder.Values);
    }

    private static TrainingOptions Options(ModelEdits edits, AdapterSet adapters, HookSite[] sites) => new()
    {
        Edits = edits,
        Adapters = adapters.Adapters,
        ObservedSites = sites,
        DropoutRandom = new SeededRandom(17),
    };

    // Adapters on every projection of layers 0 and 1 with B drawn too (a fresh adapter's B = 0 would hide the adapter
    // path), an input mask on down_proj and an output mask on o_proj.
    private static AdapterSet Adapters(TransformerShape shape, ulong seed, float dropout = 0f)
    {
        var settings = new LoraSettings { Rank = 4, Alpha = 8, Layers = [0, 1], Dropout = dropout };
        var downMask = Enumerable.Range(0, shape.IntermediateSize).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        var outputMask = Enumerable.Range(0, shape.HiddenSize).Select(i => i % 2 == 0 ? 1f : 0f).ToArray();
        var adapters = AdapterSet.Create(shape, settings, seed,
            inputMasks: new Dictionary<string, float[]> { [WeightNames.Module(1, Projection.Down)] = downMask },
            outputMasks: new Dictionary<string, float[]> { [WeightNames.Module(0, Projection.Output)] = outputMask });
        var random = new SeededRandom(seed + 1);
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
