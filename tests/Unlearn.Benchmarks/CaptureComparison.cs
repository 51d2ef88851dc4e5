// "compare capture": activation capture against the raw forward pass on the same batches (issue 4, item 3), on
// the bundled stories260K model with examples it generates itself:
//  1. sample stories from seed prompts (fixed seed) and report, for growing numbers of stories, how many concept
//     ("play") and background sentences survive deduplication and the length filters — the smallest number of
//     stories giving 300 of each is what the default experiment needs;
//  2. build 300 + 300 examples (or as many as there are) and run ActivationCapture.Run (tokenise, forward with
//     pooling hooks, write activations.npz + index.json) against plain Forward calls over exactly the same batches
//     with the same layer limit and no logits (target: capture throughput ≥ 0.9× raw); the full forward with
//     logits is shown for context;
//  3. run the l1-logistic saliency on the cache and print each site's held-out probe accuracy.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare capture [--stories N] [--examples FILE]
//       [--layers 1,2,3,4] [--sites attn.out,mlp.out] [--batch 16] [--repeats 3] [--threads N]
using System.Diagnostics;
using System.Globalization;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Text;
using Unlearn.Models;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed class CaptureComparison : ISideBySide
{
    private const int Wanted = 300;
    private const int StoryBatch = 32;
    private static readonly string[] Prompts = ["Once upon a time", "One day", "Lily and Tom", "There was a little"];
    private static readonly string[] PlayTerms = ["play", "plays", "played", "playing"];

    public string Name => "capture";

    public string Description => "activation capture vs the raw forward on the same batches (stories260K); stories needed for 300+300 examples";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        int stories = IntOption(arguments, "--stories", 512);
        int batch = IntOption(arguments, "--batch", 16);
        int repeats = IntOption(arguments, "--repeats", 3);
        Parallelism.ThreadCount = IntOption(arguments, "--threads", Environment.ProcessorCount);
        int[] layers = Option(arguments, "--layers", "1,2,3,4").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var sites = Option(arguments, "--sites", "attn.out,mlp.out").Split(',')
            .Select(s => HookSite.TryParseKind(s, out var kind) ? kind : throw new ArgumentException($"--sites: '{s}' is not one of {string.Join(", ", HookSite.KindNames)}"))
            .ToArray();
        string? examplesFile = OptionOrNull(arguments, "--examples");

        using var model = PretrainedModel.Load(Path.Combine(FindRepositoryRoot(), "models", "stories260K"));
        var tokenizer = model.RequireTokenizer();
        output.WriteLine($"Activation capture side by side: stories260K, {Parallelism.ThreadCount} threads, layers [{string.Join(",", layers)}], sites [{string.Join(",", sites.Select(HookSite.KindName))}], batch {batch}");
        var examples = examplesFile is null ? GenerateExamples(model, stories, output) : ExampleFile.Read(examplesFile);
        output.WriteLine($"examples: {examples.Concept.Count} concept, {examples.Background.Count} background");

        var options = new ActivationOptions { Layers = layers, Sites = sites, BatchSize = batch };
        var plan = CapturePlan.Create(tokenizer, examples, options, model.Model.Shape);
        long tokens = plan.TokenCount(ExampleLabel.Concept) + plan.TokenCount(ExampleLabel.Background);
        var forwardBatches = plan.Batches.Select(plan.ForwardBatchOf).ToArray();
        var limited = new ForwardOptions { Logits = LogitsMode.None, LayerLimit = plan.LayerLimit };
        string folder = Path.Combine(Path.GetTempPath(), $"unlearn-capture-bench-{Environment.ProcessId}");
        double raw = double.MaxValue, full = double.MaxValue, capture = double.MaxValue;
        try
        {
            for (int r = 0; r < repeats; r++)
            {
                raw = Math.Min(raw, Time(() => Array.ForEach(forwardBatches, b => model.Model.Forward(b, null, limited))));
                capture = Math.Min(capture, Time(() => ActivationCapture.Run(model.Runtime, tokenizer, examples, options, new ModelIdentity("models/stories260K", "bench"), folder)));
                full = Math.Min(full, Time(() => Array.ForEach(forwardBatches, b => model.Model.Forward(b, null, ForwardOptions.Default))));
            }
            output.WriteLine();
            output.WriteLine($"{"measure (best of " + repeats + ")",-52} {"seconds",9} {"tokens/s",10} {"vs raw",7}");
            Row(output, $"raw Forward, {plan.LayerLimit} layers, no logits, {forwardBatches.Length} batches", raw, tokens, raw);
            Row(output, "ActivationCapture.Run (tokenise + hooks + npz + index)", capture, tokens, raw);
            Row(output, $"full Forward, {model.Model.Shape.LayerCount} layers + logits (context)", full, tokens, raw);
            double ratio = raw / capture;
            bool met = ratio >= 0.9;
            output.WriteLine($"capture throughput = {ratio:F3} × raw (target ≥ 0.90): {(met ? "met" : "NOT met")}");
            output.WriteLine($"activations.npz: {new FileInfo(Path.Combine(folder, CapturePlan.PooledFile)).Length:N0} bytes");

            var sw = Stopwatch.StartNew();
            var saliency = SaliencyAnalysis.Run(ActivationCache.Load(folder), model.Model.Shape, new SaliencyOptions(), Path.Combine(folder, "saliency"));
            output.WriteLine();
            output.WriteLine($"saliency (l1-logistic, C = 2, held-out 20 %): {sw.Elapsed.TotalSeconds:F2} s, budget {saliency.Budget} of {saliency.CandidateUnits} units, {saliency.PositiveUnits} with a non-zero score");
            foreach (var site in saliency.Sites)
            {
                output.WriteLine($"  {site.Site.Name,-18} train {site.Report.TrainAccuracy:P1}  held-out {site.Report.HeldOutAccuracy:P1}  non-zero {site.Report.NonZeroCount}/{site.Scores.Count}");
            }
            return met ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static ExampleLists GenerateExamples(PretrainedModel model, int maxStories, TextWriter output)
    {
        var tokenizer = model.RequireTokenizer();
        var matcher = new TermMatcher(PlayTerms);
        var sw = Stopwatch.StartNew();
        var parts = new List<CandidateSet>();
        output.WriteLine($"{"stories",8} {"concept",8} {"background",11}   (after dedupe and length filters: 3-64 words, ≤ 128 tokens; up to 256 new tokens a story)");
        int? enough = null;
        double newTokens = 0;
        // One batch of stories at a time: stories k·32 … k·32 + 31 are the same whether generated alone or in a longer run.
        for (int first = 0; first < maxStories && enough is null; first += StoryBatch)
        {
            var options = new GenerationSourceOptions { Prompts = Prompts, StoryCount = Math.Min(StoryBatch, maxStories - first), FirstStory = first, BatchSize = StoryBatch, Seed = 0 };
            parts.Add(GeneratedExamples.Generate(model.Runtime, tokenizer, model.StopIds, options, matcher));
            newTokens += parts[^1].Sources[0].Details["new_tokens"];
            var available = ExampleBuilder.Build(CandidateSet.Combine(parts), new ExampleOptions { HeldOutFraction = 0 }, tokenizer).Stats.AvailableCounts;
            output.WriteLine($"{first + options.StoryCount,8} {available[0],8} {available[1],11}");
            if (available[0] >= Wanted && available[1] >= Wanted)
            {
                enough = first + options.StoryCount;
            }
        }
        output.WriteLine($"generation: {newTokens:N0} new tokens in {sw.Elapsed.TotalSeconds:F1} s ({newTokens / sw.Elapsed.TotalSeconds:N0} tokens/s, incl. filtering)");
        output.WriteLine(enough is int n ? $"{n} stories give {Wanted} concept and {Wanted} background sentences" : $"{maxStories} stories are not enough for {Wanted} + {Wanted}; pass --stories with more");
        var all = CandidateSet.Combine(parts);
        var counts = ExampleBuilder.Build(all, new ExampleOptions { HeldOutFraction = 0 }, tokenizer).Stats.AvailableCounts;
        return ExampleBuilder.Build(all, new ExampleOptions { ConceptCount = Math.Min(Wanted, counts[0]), BackgroundCount = Math.Min(Wanted, counts[1]), HeldOutFraction = 0 }, tokenizer).Training;
    }

    private static void Row(TextWriter output, string what, double seconds, long tokens, double raw) =>
        output.WriteLine($"{what,-52} {seconds,9:F3} {tokens / seconds,10:N0} {raw / seconds,7:F3}");

    private static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    private static int IntOption(IReadOnlyList<string> arguments, string name, int fallback) =>
        OptionOrNull(arguments, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string Option(IReadOnlyList<string> arguments, string name, string fallback) => OptionOrNull(arguments, name) ?? fallback;

    private static string? OptionOrNull(IReadOnlyList<string> arguments, string name)
    {
        int at = arguments.ToList().IndexOf(name);
        return at >= 0 && at + 1 < arguments.Count ? arguments[at + 1] : null;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("Run the benchmark from inside the repository (Unlearn.sln not found above the binaries).");
    }
}
