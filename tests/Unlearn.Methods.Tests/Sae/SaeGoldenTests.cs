// The TopK SAE training step against PyTorch (tests/reference/sae_reference.py): forward pass, the loss with AuxK
// active (more and fewer dead latents than k_aux), every gradient after the decoder projection, and one clipped Adam
// step followed by the decoder re-normalisation. Tolerance: 1e-5 relative to each tensor's largest magnitude.
using System.Text.Json;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Methods.Tests.Sae;

public sealed class SaeGoldenTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("many-dead")]
    [InlineData("few-dead")]
    public void Forward_GoldenInputs_MatchesPyTorchCodesAndReconstruction(string name)
    {
        var golden = Golden.Load(name);
        var sae = golden.Autoencoder();
        var indices = new int[golden.Batch * golden.K];
        var codes = new float[golden.Batch * golden.K];

        sae.Encode(golden.Array("in_x"), golden.Batch, Gemm.Create("managed"), indices, codes);

        var expectedIndices = golden.Ints("top_indices");
        Assert.Equal(expectedIndices, indices);
        var z = golden.Array("z");
        var expectedCodes = indices.Select((f, i) => z[i / golden.K * golden.DSae + f]).ToArray();
        AssertClose(expectedCodes, codes, "z at the selected latents");
        var reconstruction = new float[golden.Batch * golden.DIn];
        sae.Decode(indices, codes, golden.Batch, golden.K, reconstruction);
        AssertClose(golden.Array("xhat"), reconstruction, "x̂");
    }

    [Theory]
    [InlineData("many-dead")]
    [InlineData("few-dead")]
    public void Gradients_WithAuxKActive_MatchPyTorchAfterTheDecoderProjection(string name)
    {
        var golden = Golden.Load(name);
        var trainer = golden.Trainer(maxGradientNorm: 0);

        var parts = trainer.GradientsOn(golden.Array("in_x"), golden.Batch, golden.Ints("in_dead"));

        Assert.Equal(golden.Case.GetProperty("k_aux_effective").GetInt32(), parts.AuxK);
        Assert.Equal(golden.Case.GetProperty("aux_scale").GetDouble(), parts.AuxScale, 12);
        Assert.Equal(golden.Case.GetProperty("mse").GetDouble(), parts.Mse, Tolerance * parts.Mse);
        Assert.Equal(golden.Case.GetProperty("aux_mse").GetDouble(), parts.AuxMse, Tolerance * parts.AuxMse);
        Assert.Equal(golden.Case.GetProperty("loss").GetDouble(), parts.Loss, Tolerance * parts.Loss);
        var gradients = trainer.Gradients;
        AssertClose(Transpose(golden.Array("grad_W_enc"), golden.DIn, golden.DSae), gradients.EncoderWeight, "dL/dW_enc");
        AssertClose(golden.Array("grad_b_enc"), gradients.EncoderBias, "dL/db_enc");
        AssertClose(golden.Array("grad_W_dec"), gradients.DecoderWeight, "dL/dW_dec (projected)");
        AssertClose(golden.Array("grad_b_dec"), gradients.DecoderBias, "dL/db_dec");
    }

    [Theory]
    [InlineData("many-dead")]
    [InlineData("few-dead")]
    public void Step_ClippedAdam_MatchesPyTorchParameters(string name)
    {
        var golden = Golden.Load(name);
        var trainer = golden.Trainer(maxGradientNorm: golden.Case.GetProperty("max_grad_norm").GetDouble());

        trainer.StepOn(golden.Array("in_x"), golden.Batch, golden.Ints("in_dead"), golden.LearningRate);

        var sae = trainer.Sae;
        AssertClose(Transpose(golden.Array("after_W_enc"), golden.DIn, golden.DSae), sae.EncoderWeight, "W_enc after the step");
        AssertClose(golden.Array("after_b_enc"), sae.EncoderBias, "b_enc after the step");
        AssertClose(golden.Array("after_W_dec"), sae.DecoderWeight, "W_dec after the step");
        AssertClose(golden.Array("after_b_dec"), sae.DecoderBias, "b_dec after the step");
    }

    private static float[] Transpose(float[] matrix, int rows, int columns)
    {
        var result = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = matrix[r * columns + c];
            }
        }
        return result;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(v => Math.Abs((double)v));
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - (double)actual[i]);
            if (diff > Tolerance * Math.Max(Math.Abs(expected[i]), scale) && diff > worst)
            {
                worst = diff;
                worstIndex = i;
            }
        }
        Assert.True(worstIndex < 0,
            $"{what}: max abs diff {worst:G4} at {worstIndex} (PyTorch {(worstIndex >= 0 ? expected[worstIndex] : 0)}, ours {(worstIndex >= 0 ? actual[worstIndex] : 0)}; tensor scale {scale:G4})");
    }

    private sealed class Golden
    {
        private readonly IReadOnlyDictionary<string, NpyArray> _arrays;

        private Golden(IReadOnlyDictionary<string, NpyArray> arrays, JsonElement root, JsonElement golden)
        {
            _arrays = arrays;
            Case = golden;
            DIn = root.GetProperty("d_in").GetInt32();
            DSae = root.GetProperty("d_sae").GetInt32();
            K = root.GetProperty("k").GetInt32();
            KAux = root.GetProperty("k_aux").GetInt32();
            Batch = root.GetProperty("batch").GetInt32();
            Alpha = root.GetProperty("alpha").GetDouble();
            LearningRate = root.GetProperty("lr").GetDouble();
        }

        public JsonElement Case { get; }

        public int DIn { get; }

        public int DSae { get; }

        public int K { get; }

        public int KAux { get; }

        public int Batch { get; }

        public double Alpha { get; }

        public double LearningRate { get; }

        public static Golden Load(string name)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("sae", "golden.json")));
            var root = document.RootElement.Clone();
            return new Golden(NpzArchive.Read(TestData.PathOf("sae", $"golden-{name}.npz")), root, root.GetProperty("cases").GetProperty(name));
        }

        public float[] Array(string name) => _arrays[name].ToFloatArray();

        public int[] Ints(string name) => _arrays[name].ToInt64Array().Select(v => (int)v).ToArray();

        public SparseAutoencoder Autoencoder()
        {
            var sae = new SparseAutoencoder(new SaeShape(DIn, DSae, K), new HookSite(0, SiteKind.Residual));
            Fill(sae);
            return sae;
        }

        /// <summary>A trainer whose SAE holds the golden's parameters (its own initialisation overwritten).</summary>
        public SaeTrainer Trainer(double maxGradientNorm)
        {
            var settings = new SaeTrainingSettings
            {
                LatentCount = DSae,
                K = K,
                KAux = KAux,
                AuxCoefficient = Alpha,
                BatchSize = Batch,
                TrainingTokens = Batch,
                MaxGradientNorm = maxGradientNorm,
                DecoderBiasInit = DecoderBiasInit.Zeros,
                Seed = 0,
            };
            var trainer = new SaeTrainer(new InMemoryTokenSource(Array("in_x"), DIn), settings, new HookSite(0, SiteKind.Residual), Gemm.Create("managed"));
            Fill(trainer.Sae);
            return trainer;
        }

        private void Fill(SparseAutoencoder sae)
        {
            Transpose(Array("in_W_enc"), DIn, DSae).CopyTo(sae.EncoderWeight, 0);
            Array("in_b_enc").CopyTo(sae.EncoderBias, 0);
            Array("in_W_dec").CopyTo(sae.DecoderWeight, 0);
            Array("in_b_dec").CopyTo(sae.DecoderBias, 0);
        }
    }
}
