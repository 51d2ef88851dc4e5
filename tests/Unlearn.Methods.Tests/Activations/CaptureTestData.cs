// Shared inputs of the capture tests: a few short stories-style sentences and a helper that runs one example
// alone through the full model (all layers, logits on) with a recording hook.
using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Tests.Activations;

internal static class CaptureTestData
{
    public static readonly ExampleLists Examples = new(
        ["Tom likes to play with his red ball.", "They played in the park all day long.", "Lily was playing.", "Sue and Ben play a fun game together every day after school."],
        ["The sun was bright and warm.", "Mom made a big cake for the party.", "The cat slept."]);

    /// <summary>Activations of one example run alone, [tokenCount, width] per site, and its token ids (BOS first).</summary>
    public static (int[] Tokens, Dictionary<HookSite, float[]> Seen) RunAlone(string text, IReadOnlyCollection<HookSite> sites)
    {
        var model = BundledModel.Stories260K;
        int[] tokens = model.RequireTokenizer().Encode(text).ToArray();
        var hook = new RecordingHook(sites);
        model.Model.Forward(ForwardBatch.RightPadded([tokens]), null, new ForwardOptions { Hooks = [hook] });
        return (tokens, hook.Seen);
    }

    /// <summary>Mean over positions [first, tokenCount) of a [tokenCount, width] activation, in double.</summary>
    public static float[] MeanFrom(float[] rows, int width, int first)
    {
        int count = rows.Length / width - first;
        var mean = new float[width];
        for (int j = 0; j < width; j++)
        {
            double sum = 0;
            for (int t = first; t < first + count; t++)
            {
                sum += rows[t * width + j];
            }
            mean[j] = (float)(sum / count);
        }
        return mean;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float relativeTolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float maxAbsDiff = 0;
        float scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxAbsDiff = Math.Max(maxAbsDiff, Math.Abs(expected[i] - actual[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        Assert.True(maxAbsDiff <= relativeTolerance * Math.Max(scale, 1e-6f), $"{what}: max-abs-diff {maxAbsDiff:G6} over scale {scale:G6} (tolerance {relativeTolerance:G3} relative)");
    }
}
