// LoRA adapters: inference with an adapter equals the merged weights; a PEFT round trip (masks baked in) gives
// identical logits; PEFT's names and config keys are what PEFT itself writes; creation is seeded.
using System.Text.Json;
using Unlearn.Models.Edits;
using Unlearn.Models.Formats;
using Unlearn.Models.Lora;
using Unlearn.Models.Tests.Transformer;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;

namespace Unlearn.Models.Tests.Lora;

public class AdapterSetTests
{
    private static readonly int[][] Prompts = [[1, 667, 545, 440, 759, 446], [1, 12, 99, 700]];

    [Fact]
    public void MergedAdapters_GiveTheSameLogitsAsUnmerged()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("qwen2-mini"));
        var adapters = Trained(model.Model.Shape, new LoraSettings { Rank = 4, Alpha = 8 });
        var withAdapters = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Adapters = adapters.Adapters });
        using var merged = adapters.MergeInto(model.Model);
        var mergedLogits = merged.Forward(ForwardBatch.RightPadded(Prompts));
        var plain = model.Model.Forward(ForwardBatch.RightPadded(Prompts));

        ModelTestSupport.AssertClose(withAdapters.Logits, mergedLogits.Logits, 1e-4f, "adapters vs merged");
        Assert.NotEqual(plain.Logits, withAdapters.Logits);
    }

    [Fact]
    public void MergedAdapters_KeepPrunedRowsPruned()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama3-mini"));
        var adapters = Trained(model.Model.Shape, new LoraSettings { Rank = 2, Targets = [Projection.Output] });
        var edits = new ModelEdits(new Dictionary<string, int[]> { ["model.layers.0.self_attn.o_proj.weight"] = [1, 5] }, [], []);
        var observer = new AttentionOutputObserver();
        using var merged = adapters.MergeInto(model.Model);
        merged.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Edits = edits, Hooks = [observer] });
        Assert.All(observer.Rows, row => Assert.Equal(0f, row[1]));
        Assert.All(observer.Rows, row => Assert.Equal(0f, row[5]));
    }

    [Fact]
    public void SavePeft_ThenLoad_GivesIdenticalLogits_WithMasksBakedIn()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama3-mini"));
        var shape = model.Model.Shape;
        var inputMask = new float[shape.IntermediateSize];
        for (int i = 0; i < inputMask.Length; i += 3)
        {
            inputMask[i] = 1f;
        }
        string down = WeightNames.Module(1, Projection.Down);
        var adapters = Trained(shape, new LoraSettings { Rank = 4, Targets = [Projection.Down, Projection.Query] }, new Dictionary<string, float[]> { [down] = inputMask });
        using var folder = new TemporaryFolder();
        adapters.SavePeft(folder.FullPath, "golden/llama3-mini");
        var loaded = AdapterSet.LoadPeft(folder.FullPath, shape);

        var before = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Adapters = adapters.Adapters });
        var after = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Adapters = loaded.Adapters });
        Assert.Equal(before.Logits, after.Logits.Select(v => v).ToArray(), new ToleranceComparer(1e-6f));
        Assert.Null(loaded.Adapters[down].InputMask);
    }

    [Fact]
    public void SavePeft_WritesPeftNamesAndConfig()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama2-mini"));
        var adapters = AdapterSet.Create(model.Model.Shape, new LoraSettings { Rank = 8, Alpha = 16, Layers = [1] }, seed: 3);
        using var folder = new TemporaryFolder();
        adapters.SavePeft(folder.FullPath, "meta-llama/Llama-2-7b-hf");

        using var file = SafetensorsFile.Open(folder.File(AdapterSet.WeightsFileName));
        Assert.Contains("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight", file.TensorNames);
        Assert.Contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", file.TensorNames);
        Assert.Equal(14, file.TensorNames.Count);
        using var config = JsonDocument.Parse(File.ReadAllText(folder.File(AdapterSet.ConfigFileName)));
        Assert.Equal("LORA", config.RootElement.GetProperty("peft_type").GetString());
        Assert.Equal(8, config.RootElement.GetProperty("r").GetInt32());
        Assert.Equal(16, config.RootElement.GetProperty("lora_alpha").GetDouble());
        Assert.Equal([1], config.RootElement.GetProperty("layers_to_transform").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(7, config.RootElement.GetProperty("target_modules").GetArrayLength());
    }

    [Fact]
    public void Create_IsSeeded_AndStartsAsTheIdentityEdit()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama2-mini"));
        var first = AdapterSet.Create(model.Model.Shape, new LoraSettings { Rank = 2 }, seed: 9);
        var second = AdapterSet.Create(model.Model.Shape, new LoraSettings { Rank = 2 }, seed: 9);
        Assert.Equal(first.Parameters.SelectMany(p => p.Value), second.Parameters.SelectMany(p => p.Value));
        Assert.All(first.Adapters.Values, a => Assert.All(a.B.Value, v => Assert.Equal(0f, v)));
        var plain = model.Model.Forward(ForwardBatch.RightPadded(Prompts));
        var adapted = model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Adapters = first.Adapters });
        Assert.Equal(plain.Logits, adapted.Logits);
    }

    [Theory]
    [InlineData("{\"peft_type\": \"PREFIX_TUNING\", \"r\": 4}", "peft_type")]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": 4, \"use_dora\": true, \"target_modules\": [\"q_proj\"]}", "use_dora")]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"c_attn\"]}", "c_attn")]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": \".*proj\"}", "target_modules")]
    public void LoadPeft_UnsupportedConfig_NamesTheField(string json, string field)
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama2-mini"));
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File(AdapterSet.ConfigFileName), json);
        var error = Assert.Throws<ModelFormatException>(() => AdapterSet.LoadPeft(folder.FullPath, model.Model.Shape));
        Assert.Contains(field, error.Message);
    }

    // Adapters with non-zero B (as after training) so they change the output.
    private static AdapterSet Trained(TransformerShape shape, LoraSettings settings, IReadOnlyDictionary<string, float[]>? inputMasks = null)
    {
        var set = AdapterSet.Create(shape, settings, seed: 5, inputMasks);
        var random = new SeededRandom(6);
        foreach (var adapter in set.Adapters.Values)
        {
            for (int i = 0; i < adapter.B.Length; i++)
            {
                adapter.B.Value[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
            }
        }
        return set;
    }

    private sealed class AttentionOutputObserver : Hooks.IActivationHook
    {
        public List<float[]> Rows { get; } = [];

        public bool Wants(Hooks.HookSite site) => site == new Hooks.HookSite(0, Hooks.SiteKind.AttentionOutput);

        public void OnActivation(Hooks.HookSite site, Span<float> activations, in Hooks.HookContext context)
        {
            for (int row = 0; row < context.BatchSize * context.ColumnCount; row++)
            {
                Rows.Add(activations.Slice(row * context.Width, context.Width).ToArray());
            }
        }
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
