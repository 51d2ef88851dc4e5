// Gradient and Fisher saliency against PyTorch (tests/reference/saliency_gradients.py, float64, one sequence at a
// time): on the three golden models and at every hook site, the activations and d L/d h of one sequence, the
// gradient × activation and Fisher means of the concept and background sequences, and the contrasted scores, from
// the training engine with the sequences batched (so the per-sequence separation of a batched backward is checked).
using System.Text.Json;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Tests.Saliency;

public class GradientSaliencyGoldenTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Models => new() { "llama3-mini", "qwen2-mini", "llama2-mini" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Measure_GoldenModel_SiteMeansMatchPyTorch(string name)
    {
        var (model, golden, concept, background, sites) = Load(name);
        using (model)
        using (golden)
        {
            var c = GradientSaliency.Measure(model.Runtime, sites, concept, new GradientSaliencyOptions { BatchSize = 3 });
            var b = GradientSaliency.Measure(model.Runtime, sites, background, new GradientSaliencyOptions { BatchSize = 3 });
            Assert.Equal(concept.Count, c.Sequences);
            foreach (var site in sites)
            {
                AssertClose(golden, $"concept/gradient/{site.Name}", c.Site(site).GradientTimesActivation, name);
                AssertClose(golden, $"concept/fisher/{site.Name}", c.Site(site).Fisher, name);
                AssertClose(golden, $"background/gradient/{site.Name}", b.Site(site).GradientTimesActivation, name);
                AssertClose(golden, $"background/fisher/{site.Name}", b.Site(site).Fisher, name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Scores_GoldenModel_DifferenceAndRatioMatchPyTorch(string name)
    {
        var (model, golden, concept, background, sites) = Load(name);
        using (model)
        using (golden)
        {
            var c = GradientSaliency.Measure(model.Runtime, sites, concept);
            var b = GradientSaliency.Measure(model.Runtime, sites, background);
            foreach (var method in new[] { SaliencyMethod.Gradient, SaliencyMethod.Fisher })
            {
                foreach (var contrast in new[] { SaliencyContrast.Difference, SaliencyContrast.Ratio })
                {
                    var scored = GradientScores.Sites(method, contrast, c, b);
                    foreach (var site in scored)
                    {
                        AssertClose(golden, $"score/{SaliencyArtefacts.MethodName(method)}/{SaliencyContrasts.Name(contrast)}/{site.Site.Name}", site.Scores.ToArray(), name);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainingForward_GoldenModel_ObservedSiteGradientsOfOneSequenceMatchPyTorch(string name)
    {
        var (model, golden, concept, _, sites) = Load(name);
        using (model)
        using (golden)
        {
            var sequence = concept[0];
            var labels = new int[sequence.Ids.Length];
            for (int t = 0; t < labels.Length; t++)
            {
                labels[t] = t + 1 < labels.Length && sequence.Targets[t + 1] ? sequence.Ids[t + 1] : -100;
            }
            using var tape = new Numerics.Autograd.Tape(model.Model.Gemm);
            var pass = model.Model.TrainingForward(tape, Unlearn.Models.Transformer.ForwardBatch.RightPadded([sequence.Ids]), labels,
                new Unlearn.Models.Transformer.TrainingOptions { ObservedSites = sites });
            tape.Backward(pass.Loss);
            foreach (var site in sites)
            {
                var observed = pass.Sites[site.Name];
                AssertClose(golden, $"example0/value/{site.Name}", observed.Value.ToArray().Select(v => (double)v).ToArray(), name);
                AssertClose(golden, $"example0/gradient/{site.Name}", observed.Gradient.ToArray().Select(v => (double)v).ToArray(), name);
            }
        }
    }

    private static (PretrainedModel Model, SafetensorsFile Golden, List<ObjectiveSequence> Concept, List<ObjectiveSequence> Background, HookSite[] Sites) Load(string name)
    {
        var model = PretrainedModel.Load(TestData.PathOf("golden", name), new ModelLoadOptions { LoadTokenizer = false });
        var golden = SafetensorsFile.Open(TestData.PathOf("saliency", name, "saliency-gradients.safetensors"));
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("saliency", name, "saliency-gradients.json")));
        List<ObjectiveSequence> Read(string set) => json.RootElement.GetProperty(set).EnumerateArray().Select(e =>
        {
            var ids = e.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var targets = e.GetProperty("targets").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
            return new ObjectiveSequence(ids, targets, ids.Select((_, p) => p > 0).ToArray());
        }).ToList();
        var sites = Enumerable.Range(0, model.Model.Shape.LayerCount)
            .SelectMany(layer => Enum.GetValues<SiteKind>().Select(kind => new HookSite(layer, kind))).ToArray();
        return (model, golden, Read("concept"), Read("background"), sites);
    }

    // ‖ours − PyTorch‖ ≤ 1e-4 ‖PyTorch‖ over the whole vector (as the weight-gradient goldens).
    private static void AssertClose(SafetensorsFile golden, string tensor, double[] actual, string model)
    {
        var expected = golden.GetTensor(tensor).ToFloat32Array();
        Assert.Equal(expected.Length, actual.Length);
        double difference = 0, reference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            difference += Math.Pow(expected[i] - actual[i], 2);
            reference += Math.Pow(expected[i], 2);
        }
        Assert.True(reference > 0, $"{model} {tensor}: the golden is all zeros, so the comparison would prove nothing.");
        Assert.True(Math.Sqrt(difference) <= Tolerance * Math.Sqrt(reference),
            $"{model} {tensor}: ‖ours − PyTorch‖ = {Math.Sqrt(difference):E3}, ‖PyTorch‖ = {Math.Sqrt(reference):E3}");
    }
}
