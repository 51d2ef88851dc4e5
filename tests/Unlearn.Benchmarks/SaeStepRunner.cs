// Our side of "compare sae", run in a child process so its peak memory is its own: one TopK SAE training step
// (SaeTrainer.StepOn: forward, MSE + AuxK, sparse gradients, decoder projection, clipping, Adam, renormalisation) on
// random tokens of the requested shape, with every dead_fraction-th latent marked dead when AuxK is measured, timed as
// the median of --repeats after one warm-up. Also the generation check: greedy decoding of a random 2-layer model with
// the ablation hook (TopK gate) against without it, beside the bare encoder products the hook adds.
using System.Diagnostics;
using System.Globalization;
using Unlearn.Methods.Sae;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Generation;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed record SaeBenchSettings
{
    public int Threads { get; init; } = 2;

    public int InputWidth { get; init; } = 2048;

    public int Latents { get; init; } = 16384;

    public int K { get; init; } = 32;

    public int Batch { get; init; } = 4096;

    public int Repeats { get; init; } = 3;

    public double DeadFraction { get; init; }

    public int KAux { get; init; } = 1024;

    public string Provider { get; init; } = "managed";

    public static SaeBenchSettings Parse(IReadOnlyList<string> arguments)
    {
        var list = arguments.ToList();
        string? Value(string name) => list.IndexOf(name) is int i && i >= 0 && i + 1 < list.Count ? list[i + 1] : null;
        int Int(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        var defaults = new SaeBenchSettings();
        return new SaeBenchSettings
        {
            Threads = Int("--threads", defaults.Threads),
            InputWidth = Int("--d-in", defaults.InputWidth),
            Latents = Int("--d-sae", defaults.Latents),
            K = Int("--k", defaults.K),
            Batch = Int("--batch", defaults.Batch),
            Repeats = Int("--repeats", defaults.Repeats),
            DeadFraction = Value("--dead-fraction") is { } dead ? double.Parse(dead, CultureInfo.InvariantCulture) : defaults.DeadFraction,
            KAux = Int("--k-aux", defaults.KAux),
            Provider = Value("--provider") ?? defaults.Provider,
        };
    }
}

public sealed record SaeStepResult(string Provider, double Seconds, double TokensPerSecond, long PeakRssBytes, int Dead, double FirstLoss);

/// <param name="HookSeconds">The hook alone on the same rows (prompt block, then one 4-row call per decode step), outside generation.</param>
public sealed record SaeGenerationResult(double PlainSeconds, double AblatedSeconds, double BareEncoderSeconds, double HookSeconds, long EncodedRows, long Tokens);

internal static class SaeStepRunner
{
    public static SaeStepResult Step(SaeBenchSettings settings)
    {
        Parallelism.ThreadCount = settings.Threads;
        var gemm = Gemm.Create(settings.Provider);
        int d = settings.InputWidth, b = settings.Batch;
        var random = new SeededRandom(5);
        var tokens = new float[(long)b * d * (settings.Repeats + 1)];
        for (long i = 0; i < tokens.Length; i++)
        {
            tokens[i] = (float)Gaussian(random);
        }
        var trainer = new SaeTrainer(new InMemoryTokenSource(tokens, d), new SaeTrainingSettings
        {
            LatentCount = settings.Latents,
            K = settings.K,
            KAux = settings.KAux,
            BatchSize = b,
            TrainingTokens = b,
            DecoderBiasInit = DecoderBiasInit.Zeros,
            Seed = 0,
        }, new HookSite(0, SiteKind.Residual), gemm);
        int step = settings.DeadFraction > 0 ? Math.Max(1, (int)Math.Round(1 / settings.DeadFraction)) : 0;
        var dead = step > 0 ? Enumerable.Range(0, settings.Latents).Where(f => f % step == 0).ToArray() : [];
        var times = new List<double>();
        double firstLoss = double.NaN;
        for (int repeat = 0; repeat <= settings.Repeats; repeat++)
        {
            var batch = tokens.AsSpan((int)((long)repeat * b * d), b * d).ToArray();
            var clock = Stopwatch.StartNew();
            var parts = trainer.StepOn(batch, b, dead, 1e-4);
            double seconds = clock.Elapsed.TotalSeconds;
            if (repeat == 0)
            {
                firstLoss = parts.Loss;
                continue;
            }
            times.Add(seconds);
        }
        double median = Median(times);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new SaeStepResult(settings.Provider, median, b / median, process.PeakWorkingSet64, dead.Length, firstLoss);
    }

    /// <summary>Greedy decoding of 4 prompts × 16 tokens for 32 new tokens on a 2-layer random model of the 1B shape,
    /// without and with the ablation hook at layer 1, and the bare encoder products the hook runs on those rows.</summary>
    public static SaeGenerationResult Generation(SaeBenchSettings settings)
    {
        Parallelism.ThreadCount = settings.Threads;
        var gemm = Gemm.Create(settings.Provider);
        var shape = KnownShapes.Get("llama-3.2-1b", 2);
        using var model = RandomModel.Create(shape, gemm);
        var site = new HookSite(1, SiteKind.Residual);
        var sae = new SparseAutoencoder(new SaeShape(shape.HiddenSize, settings.Latents, settings.K), site);
        var random = new SeededRandom(9);
        for (long i = 0; i < sae.DecoderWeight.Length; i++)
        {
            sae.DecoderWeight[i] = (float)Gaussian(random);
        }
        Unlearn.Numerics.Kernels.RowNormalization.Normalize(sae.DecoderWeight, shape.HiddenSize, 0, settings.Latents);
        sae.DecoderWeight.CopyTo(sae.EncoderWeight, 0);
        var features = Enumerable.Range(0, 100).Select(i => i * (settings.Latents / 100)).ToArray();
        var prompts = Enumerable.Range(0, 4).Select(p => (IReadOnlyList<int>)Enumerable.Range(0, 16).Select(t => 1 + (p * 131 + t * 17) % (shape.VocabSize - 1)).ToArray()).ToArray();
        var request = new GenerationRequest { MaxNewTokens = 32, Sampling = new SamplingSettings { Temperature = 0 } };
        var plain = new List<double>();
        var ablated = new List<double>();
        var bare = new List<double>();
        var hookAlone = new List<double>();
        long rows = 0, generated = 0;
        for (int repeat = 0; repeat <= settings.Repeats; repeat++)
        {
            var clock = Stopwatch.StartNew();
            var results = new Generator(model).Generate(prompts, request);
            double plainSeconds = clock.Elapsed.TotalSeconds;
            var hook = new SaeAblationHook(sae, features, -3f, AblationGate.TopK, gemm);
            clock.Restart();
            new Generator(model, new ForwardOptions { Hooks = [hook] }).Generate(prompts, request);
            double ablatedSeconds = clock.Elapsed.TotalSeconds;
            // What the hook adds, done bare: one encoder product over the prompt rows, then one per decode step.
            rows = hook.TargetPositions / features.Length;
            int decodeSteps = (int)((rows - 64) / 4);
            var input = new float[64 * shape.HiddenSize];
            var output = new float[64L * settings.Latents];
            clock.Restart();
            gemm.Linear(input, sae.EncoderWeight, sae.EncoderBias, 64, shape.HiddenSize, settings.Latents, output);
            for (int s = 0; s < decodeSteps; s++)
            {
                gemm.Linear(input.AsSpan(0, 4 * shape.HiddenSize), sae.EncoderWeight, sae.EncoderBias, 4, shape.HiddenSize, settings.Latents, output.AsSpan(0, 4 * settings.Latents));
            }
            double bareSeconds = clock.Elapsed.TotalSeconds;
            // The hook on its own over the same calls, on activations of a realistic scale.
            var activations = new float[64 * shape.HiddenSize];
            for (int i = 0; i < activations.Length; i++)
            {
                activations[i] = (float)Gaussian(random);
            }
            var alone = new SaeAblationHook(sae, features, -3f, AblationGate.TopK, gemm);
            clock.Restart();
            Call(alone, site, activations, 64, shape.HiddenSize);
            for (int s = 0; s < decodeSteps; s++)
            {
                Call(alone, site, activations.AsSpan(0, 4 * shape.HiddenSize).ToArray(), 4, shape.HiddenSize);
            }
            double hookSeconds = clock.Elapsed.TotalSeconds;
            generated = results.Sum(r => r.NewIds.Length);
            if (repeat == 0)
            {
                continue;
            }
            plain.Add(plainSeconds);
            ablated.Add(ablatedSeconds);
            bare.Add(bareSeconds);
            hookAlone.Add(hookSeconds);
        }
        return new SaeGenerationResult(Median(plain), Median(ablated), Median(bare), Median(hookAlone), rows, generated);
    }

    private static void Call(SaeAblationHook hook, HookSite site, float[] activations, int rows, int width)
    {
        var valid = Enumerable.Repeat(true, rows).ToArray();
        var tokens = Enumerable.Repeat(5, rows).ToArray();
        var positions = Enumerable.Range(0, rows).ToArray();
        hook.OnActivation(site, activations, new HookContext(1, rows, width, valid, tokens, positions, isDecodeStep: rows == 4));
    }

    private static double Gaussian(SeededRandom random)
    {
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
