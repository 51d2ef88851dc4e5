// Direction removal: after every edited write (o_proj and down_proj of the chosen layers, and the embedding) the
// residual stream has no component along u, checked numerically on what each site writes; the run-time projection
// equals W ← (I − u uᵀ) W computed here in double on the weights themselves (what export bakes); the file round-trips.
// llama3-mini (BF16, widened into owned memory, tied embeddings) and llama2-mini (F16, untied) can be edited in place.
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;
using Unlearn.Models.Tests.Formats;
using Unlearn.Models.Tests.Transformer;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Tests.Edits;

public class DirectionRemovalTests
{
    private static readonly int[][] Prompts = [[1, 667, 545, 440, 59, 446], [1, 12, 99, 700]];

    [Fact]
    public void Hook_EditedLayers_TheirWritesHaveNoComponentAlongU_OthersDo()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama3-mini"));
        var u = Direction(model.Model.Shape.HiddenSize, seed: 5);
        var removal = new DirectionRemoval(u, [0, 2], embedding: false);
        var observer = new Recorder();
        model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Hooks = [removal.Hook(), observer] });

        foreach (var (site, rows) in observer.Rows.Where(r => r.Key.Kind is SiteKind.AttentionOutput or SiteKind.MlpOutput))
        {
            double worst = rows.Max(row => Math.Abs(Along(row, removal.Unit)) / Norm(row));
            if (removal.Layers.Contains(site.Layer))
            {
                Assert.True(worst <= 1e-6, $"{site.Name}: |u·y| / |y| = {worst:E2} after the removal");
            }
            else
            {
                Assert.True(worst > 1e-3, $"{site.Name} is not edited, yet its write has no component along u ({worst:E2}): the check would prove nothing");
            }
        }
    }

    [Fact]
    public void Hook_AllLayersAndEmbedding_ResidualStreamHasNoComponentAlongUAnywhere()
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel("llama2-mini"));
        var u = Direction(model.Model.Shape.HiddenSize, seed: 9);
        var removal = new DirectionRemoval(u, Enumerable.Range(0, model.Model.Shape.LayerCount), embedding: true);
        var observer = new Recorder();
        model.Model.Forward(ForwardBatch.RightPadded(Prompts), options: new ForwardOptions { Hooks = [removal.Hook(), observer] });

        var residual = observer.Rows.Where(r => r.Key.Kind is SiteKind.Input or SiteKind.Residual).ToList();
        Assert.Equal(2 * model.Model.Shape.LayerCount, residual.Count);
        foreach (var (site, rows) in residual)
        {
            double worst = rows.Max(row => Math.Abs(Along(row, removal.Unit)) / Norm(row));
            Assert.True(worst <= 1e-5, $"{site.Name}: the residual stream keeps |u·x| / |x| = {worst:E2}");
        }
    }

    [Theory]
    [InlineData("llama3-mini", false)]
    [InlineData("llama2-mini", true)]
    public void Hook_EqualsTheWeightsBakedAsIMinusUUTransposeW(string name, bool embedding)
    {
        using var runtime = PretrainedModel.Load(TestData.GoldenModel(name));
        using var baked = PretrainedModel.Load(TestData.GoldenModel(name));
        var u = Direction(runtime.Model.Shape.HiddenSize, seed: 3);
        int[] layers = [0, 1];
        var removal = new DirectionRemoval(u, layers, embedding);
        var unit = removal.Unit.ToArray();
        foreach (int layer in layers)
        {
            foreach (var projection in new[] { Projection.Output, Projection.Down })
            {
                var weight = baked.Model.Weights.Layers[layer][projection].Weight;
                ProjectColumns(weight.Span, weight.Rows, weight.Columns, unit);
            }
        }
        if (embedding)
        {
            // E ← E (I − u uᵀ): every token's row loses its component along u (llama2-mini's head is a separate matrix).
            var table = baked.Model.Weights.Embedding;
            for (int row = 0; row < table.Rows; row++)
            {
                ProjectRow(table.Row(row), unit);
            }
        }
        var batch = ForwardBatch.RightPadded(Prompts);
        var expected = baked.Model.Forward(batch).Logits;
        var actual = runtime.Model.Forward(batch, options: new ForwardOptions { Hooks = [removal.Hook()] }).Logits;
        var unedited = runtime.Model.Forward(batch).Logits;

        ModelTestSupport.AssertClose(expected, actual, 1e-4f, $"{name}: hook vs baked (I − uuᵀ)W");
        Assert.True(expected.Zip(unedited).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, "the edit changes nothing measurable; the comparison would prove nothing");
    }

    [Fact]
    public void WriteRead_RoundTrip_KeepsUnitLayersAndEmbedding()
    {
        var removal = new DirectionRemoval(Direction(64, seed: 1), [4, 1, 2], embedding: true);
        string path = Path.Combine(Path.GetTempPath(), $"direction-{Guid.NewGuid():N}.safetensors");
        try
        {
            removal.Write(path);
            var read = DirectionRemoval.Read(path);
            Assert.Equal(removal.Unit.ToArray(), read.Unit.ToArray());
            Assert.Equal([1, 2, 4], read.Layers);
            Assert.True(read.Embedding);
            Assert.Equal(1.0, Norm(read.Unit.ToArray()), 6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_ZeroDirectionOrNothingEdited_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new DirectionRemoval(new float[8], [0], false));
        Assert.Throws<ArgumentException>(() => new DirectionRemoval(Direction(8, 1), [], false));
        Assert.Throws<ArgumentException>(() => new DirectionRemoval(Direction(8, 1), [1, 1], false));
    }

    // W ← (I − u uᵀ) W for W [rows = hidden, columns]: each column c loses u (uᵀ W[:, c]).
    private static void ProjectColumns(Span<float> weight, int rows, int columns, float[] unit)
    {
        for (int c = 0; c < columns; c++)
        {
            double along = 0;
            for (int r = 0; r < rows; r++)
            {
                along += (double)unit[r] * weight[r * columns + c];
            }
            for (int r = 0; r < rows; r++)
            {
                weight[r * columns + c] = (float)(weight[r * columns + c] - along * unit[r]);
            }
        }
    }

    private static void ProjectRow(Span<float> row, float[] unit)
    {
        double along = 0;
        for (int j = 0; j < row.Length; j++)
        {
            along += (double)unit[j] * row[j];
        }
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = (float)(row[j] - along * unit[j]);
        }
    }

    private static float[] Direction(int width, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static double Along(float[] row, ReadOnlySpan<float> unit)
    {
        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            sum += (double)row[j] * unit[j];
        }
        return sum;
    }

    private static double Norm(float[] row) => Math.Sqrt(row.Sum(v => (double)v * v));

    // Records the valid rows of every site after the hooks before it ran.
    private sealed class Recorder : IActivationHook
    {
        public Dictionary<HookSite, List<float[]>> Rows { get; } = [];

        public bool Wants(HookSite site) => true;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
        {
            if (!Rows.TryGetValue(site, out var rows))
            {
                Rows[site] = rows = [];
            }
            for (int r = 0; r < context.BatchSize * context.ColumnCount; r++)
            {
                if (context.Valid[r])
                {
                    rows.Add(activations.Slice(r * context.Width, context.Width).ToArray());
                }
            }
        }
    }
}
