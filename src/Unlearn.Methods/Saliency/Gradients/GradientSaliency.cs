// Gradient saliency from the training engine: each batch of objective sequences runs one training step of the model
// runtime (IModelRuntime.TrainingStep, whichever backend) with the hook sites observed, the summed target-token NLL is
// back-propagated, and every sequence's site activations h and gradients g give its gradient × activation and Fisher
// terms (SiteGradientMeasurement). Sequences never interact inside a batch (causal attention on separate rows), so
// the gradient of the summed loss at a sequence's rows is the gradient of that sequence's own summed NLL; dividing by
// its target count makes it ∂L_e/∂h for the mean NLL L_e. Sums run in double in a fixed order (sequence, position),
// so the result does not depend on the thread count.
using Unlearn.Models.Hooks;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Saliency;

public sealed record GradientSaliencyOptions
{
    /// <summary>Sequences per forward/backward pass (right-padded, in the given order).</summary>
    public int BatchSize { get; init; } = 8;
}

public static class GradientSaliency
{
    /// <summary>Measures gradient × activation and the empirical Fisher of <paramref name="sequences"/>' objective at every site.</summary>
    /// <param name="progress">Sequences done, after each batch.</param>
    /// <exception cref="SaliencyException">A site outside the model, a malformed sequence, or no sequence with a target.</exception>
    public static GradientMeasurement Measure(
        IModelRuntime model, IReadOnlyList<HookSite> sites, IReadOnlyList<ObjectiveSequence> sequences, GradientSaliencyOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new GradientSaliencyOptions();
        if (options.BatchSize < 1)
        {
            throw new SaliencyException($"Gradient saliency needs a batch size of at least 1 (got {options.BatchSize}).");
        }
        var shape = model.Shape;
        CheckSites(sites, shape);
        for (int i = 0; i < sequences.Count; i++)
        {
            sequences[i].Validate(i, shape.VocabSize, shape.MaxPositions);
        }
        var used = sequences.Where(s => s.TargetCount > 0 && s.CountedPositions > 0).ToArray();
        if (used.Length == 0)
        {
            throw new SaliencyException($"None of the {sequences.Count} objective sequences has a target token and a counted position; gradient saliency has nothing to measure.");
        }
        var gradient = sites.Select(s => new double[Width(s, shape)]).ToArray();
        var fisher = sites.Select(s => new double[Width(s, shape)]).ToArray();
        var trainingOptions = new TrainingOptions { ObservedSites = sites.ToArray() };
        int done = 0;
        foreach (var batch in used.Chunk(options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var forward = ForwardBatch.RightPadded(batch.Select(s => (IReadOnlyList<int>)s.Ids).ToArray());
            var labels = Labels(batch, forward.ColumnCount);
            var pass = model.TrainingStep(forward, labels, trainingOptions, normalizer: 1f);
            for (int s = 0; s < sites.Count; s++)
            {
                var observed = pass.Sites[sites[s].Name];
                Accumulate(batch, forward.ColumnCount, observed.Value, observed.Gradient, observed.Width, gradient[s], fisher[s]);
            }
            done += batch.Length;
            progress?.Report(done);
        }
        var measured = new SiteGradientMeasurement[sites.Count];
        for (int s = 0; s < sites.Count; s++)
        {
            for (int j = 0; j < gradient[s].Length; j++)
            {
                gradient[s][j] /= used.Length;
                fisher[s][j] /= used.Length;
            }
            measured[s] = new SiteGradientMeasurement(sites[s], gradient[s], fisher[s]);
        }
        return new GradientMeasurement(measured, used.Length, sequences.Count - used.Length, used.Sum(s => (long)s.TargetCount));
    }

    /// <summary>label[b·columns + t] = id t + 1 of sequence b where that token is a target, else −100.</summary>
    private static int[] Labels(ObjectiveSequence[] batch, int columns)
    {
        var labels = new int[batch.Length * columns];
        Array.Fill(labels, -100);
        for (int b = 0; b < batch.Length; b++)
        {
            var sequence = batch[b];
            for (int t = 0; t + 1 < sequence.Ids.Length; t++)
            {
                if (sequence.Targets[t + 1])
                {
                    labels[b * columns + t] = sequence.Ids[t + 1];
                }
            }
        }
        return labels;
    }

    // Adds each sequence's terms: g is the gradient of the batch's summed NLL, so ∂L_e/∂h = g / targets_e.
    private static void Accumulate(ObjectiveSequence[] batch, int columns, ReadOnlySpan<float> values, ReadOnlySpan<float> gradients, int width, double[] gradient, double[] fisher)
    {
        var product = new double[width];
        var squares = new double[width];
        for (int b = 0; b < batch.Length; b++)
        {
            var sequence = batch[b];
            double scale = 1.0 / sequence.TargetCount;
            Array.Clear(product);
            Array.Clear(squares);
            int counted = 0;
            for (int t = 0; t < sequence.Ids.Length; t++)
            {
                if (!sequence.Counted[t])
                {
                    continue;
                }
                counted++;
                int row = (b * columns + t) * width;
                var h = values.Slice(row, width);
                var g = gradients.Slice(row, width);
                for (int j = 0; j < width; j++)
                {
                    double gj = g[j] * scale;
                    product[j] += gj * h[j];
                    squares[j] += gj * gj;
                }
            }
            for (int j = 0; j < width; j++)
            {
                gradient[j] += Math.Abs(product[j]) / counted;
                fisher[j] += squares[j] / counted;
            }
        }
    }

    private static void CheckSites(IReadOnlyList<HookSite> sites, TransformerShape shape)
    {
        if (sites.Count == 0)
        {
            throw new SaliencyException("Gradient saliency needs at least one hook site (e.g. layers.3.mlp.act).");
        }
        foreach (var site in sites)
        {
            if ((uint)site.Layer >= (uint)shape.LayerCount)
            {
                throw new SaliencyException($"Site '{site.Name}': the model has layers 0..{shape.LayerCount - 1}.");
            }
        }
        foreach (var group in sites.GroupBy(s => s).Where(g => g.Count() > 1))
        {
            throw new SaliencyException($"Site '{group.Key.Name}' is given twice.");
        }
    }

    private static int Width(HookSite site, TransformerShape shape) => HookSite.Width(site.Kind, shape.HiddenSize, shape.IntermediateSize);
}
