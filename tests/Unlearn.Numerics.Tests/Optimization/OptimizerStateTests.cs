using System.Text;
using System.Text.Json;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Numerics.Tests.Optimization;

public class OptimizerStateTests
{
    private static readonly double[] Rates = [1e-2, 8e-3, 6e-3, 4e-3, 2e-3, 1e-3];

    [Fact]
    public void AdamW_SaveThenResumeInNewOptimizer_EqualsUninterruptedRunBitForBit()
    {
        AssertResumesExactly(ps => new AdamW(ps, new AdamWSettings { WeightDecay = 0.1 }));
    }

    [Fact]
    public void Sgd_SaveThenResumeInNewOptimizer_EqualsUninterruptedRunBitForBit()
    {
        AssertResumesExactly(ps => new Sgd(ps, new SgdSettings { Momentum = 0.9, WeightDecay = 0.01 }));
    }

    [Fact]
    public void SaveState_IsSafetensorsWithNamedSlotsAndMetadata()
    {
        var (w, b) = TorchReference.Parameters();
        var optimizer = new AdamW([w, b]);
        TorchReference.SetGradients(w, b, 0);
        optimizer.Step(1e-3);
        var bytes = Save(optimizer);
        ulong headerLength = BitConverter.ToUInt64(bytes, 0);
        Assert.Equal(0UL, headerLength % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var root = header.RootElement;
        Assert.Equal("AdamW", root.GetProperty("__metadata__").GetProperty("optimizer").GetString());
        Assert.Equal("1", root.GetProperty("__metadata__").GetProperty("step").GetString());
        Assert.Equal("[3,4]", root.GetProperty("w.exp_avg_sq").GetProperty("shape").GetRawText());
        Assert.Equal(8 + (long)headerLength + (12 + 12 + 5 + 5) * 4, bytes.Length);
    }

    [Fact]
    public void LoadState_SavedForOtherParameterShape_ThrowsNamingTheTensor()
    {
        var (w, b) = TorchReference.Parameters();
        var saved = new AdamW([w, b]);
        TorchReference.SetGradients(w, b, 0);
        saved.Step(1e-3);
        var other = new AdamW([new Parameter("w", 4, 3), b]);
        var error = Assert.Throws<OptimizerStateException>(() => other.LoadState(new MemoryStream(Save(saved)), "run/optimizer.safetensors"));
        Assert.Contains("w.exp_avg", error.Message);
        Assert.Contains("run/optimizer.safetensors", error.Message);
    }

    [Fact]
    public void LoadState_OtherHyperparameters_ThrowsNamingTheField()
    {
        var (w, b) = TorchReference.Parameters();
        var saved = new AdamW([w, b], new AdamWSettings { WeightDecay = 0.1 });
        var other = new AdamW([w, b], new AdamWSettings { WeightDecay = 0.0 });
        var error = Assert.Throws<OptimizerStateException>(() => other.LoadState(new MemoryStream(Save(saved))));
        Assert.Equal("__metadata__.weight_decay", error.Field);
    }

    [Fact]
    public void LoadState_SavedBySgd_ThrowsInAdamW()
    {
        var (w, b) = TorchReference.Parameters();
        var error = Assert.Throws<OptimizerStateException>(() => new AdamW([w, b]).LoadState(new MemoryStream(Save(new Sgd([w, b])))));
        Assert.Equal("__metadata__.optimizer", error.Field);
    }

    [Fact]
    public void LoadState_TruncatedFile_ThrowsSayingTruncated()
    {
        var (w, b) = TorchReference.Parameters();
        var optimizer = new AdamW([w, b]);
        TorchReference.SetGradients(w, b, 0);
        optimizer.Step(1e-3);
        var bytes = Save(optimizer);
        var error = Assert.Throws<OptimizerStateException>(() => new AdamW([w, b]).LoadState(new MemoryStream(bytes[..^10])));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void LoadState_NotAnOptimizerState_Throws()
    {
        var (w, b) = TorchReference.Parameters();
        Assert.Throws<OptimizerStateException>(() => new AdamW([w, b]).LoadState(new MemoryStream(Encoding.UTF8.GetBytes("not a safetensors file at all"))));
    }

    private static void AssertResumesExactly(Func<IReadOnlyList<Parameter>, Optimizer> create)
    {
        var (w1, b1) = TorchReference.Parameters();
        var straight = create([w1, b1]);
        for (int step = 0; step < Rates.Length; step++)
        {
            TorchReference.SetGradients(w1, b1, step);
            straight.Step(Rates[step]);
        }

        var (w2, b2) = TorchReference.Parameters();
        var first = create([w2, b2]);
        for (int step = 0; step < 3; step++)
        {
            TorchReference.SetGradients(w2, b2, step);
            first.Step(Rates[step]);
        }
        var state = Save(first);
        var values = w2.Value.Concat(b2.Value).ToArray();

        // A new process: fresh parameters restored from the saved values, a fresh optimiser restored from the state.
        var w3 = new Parameter("w", values[..12], 3, 4);
        var b3 = new Parameter("b", values[12..], 5);
        var resumed = create([w3, b3]);
        resumed.LoadState(new MemoryStream(state));
        Assert.Equal(3, resumed.StepCount);
        for (int step = 3; step < Rates.Length; step++)
        {
            TorchReference.SetGradients(w3, b3, step);
            resumed.Step(Rates[step]);
        }
        Assert.Equal(0, TorchReference.MaxUlps(w1.Value, w3.Value));
        Assert.Equal(0, TorchReference.MaxUlps(b1.Value, b3.Value));
    }

    private static byte[] Save(Optimizer optimizer)
    {
        var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return stream.ToArray();
    }
}
