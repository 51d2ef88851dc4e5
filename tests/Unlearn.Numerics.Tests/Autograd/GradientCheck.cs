// Finite-difference gradient checks for tape ops: the analytic gradient of L = Σ c·output (c fixed random weights, or
// 1 for a scalar loss) is compared with central differences (L(v + h) − L(v − h)) / 2h, L summed in double, for every
// element of every checked tensor (or an evenly spaced sample of large ones). The worst relative error is printed.
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

/// <summary>A tensor whose gradient is checked: the values that get perturbed, and where the analytic gradient is read.</summary>
internal sealed record Checked(string Name, float[] Values, Parameter? Parameter = null)
{
    public static Checked Of(Parameter parameter) => new(parameter.Name, parameter.Value, parameter);
}

internal static class GradientCheck
{
    /// <summary>Records the forward pass on <paramref name="tape"/>; inputs created with tape.Input go in <paramref name="inputs"/> by name.</summary>
    public delegate Variable Forward(Tape tape, Dictionary<string, Variable> inputs);

    public static void Verify(
        Forward forward, IReadOnlyList<Checked> tensors, ITestOutputHelper log,
        float step = 1e-2f, double relativeTolerance = 1e-2, double absoluteTolerance = 2e-4, int maxElementsPerTensor = 48)
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        foreach (var t in tensors)
        {
            t.Parameter?.ZeroGradient();
        }
        var inputs = new Dictionary<string, Variable>();
        var output = forward(tape, inputs);
        var weights = OutputWeights(output.Length);
        tape.Backward(output, weights);
        var analytic = tensors.ToDictionary(
            t => t.Name,
            t => t.Parameter is { } p ? (float[])p.Gradient.Clone() : inputs[t.Name].Gradient.ToArray());
        tape.Reset();

        foreach (var t in tensors)
        {
            double worstRelative = 0, worstAbsolute = 0;
            int failed = -1;
            double failedNumeric = 0, failedAnalytic = 0, failedRelative = 0;
            int stride = Math.Max(1, t.Values.Length / maxElementsPerTensor);
            for (int i = 0; i < t.Values.Length; i += stride)
            {
                float saved = t.Values[i];
                t.Values[i] = saved + step;
                double plus = Objective(tape, forward, weights);
                t.Values[i] = saved - step;
                double minus = Objective(tape, forward, weights);
                t.Values[i] = saved;
                // Divide by the step actually taken in float, not the nominal one.
                double numeric = (plus - minus) / ((double)(saved + step) - (saved - step));
                double exact = analytic[t.Name][i];
                double error = Math.Abs(numeric - exact);
                // Relative to the larger magnitude, floored at 1e-2 so a gradient that is zero both ways reads as 0.
                double relative = error / Math.Max(1e-2, Math.Max(Math.Abs(numeric), Math.Abs(exact)));
                worstRelative = Math.Max(worstRelative, relative);
                worstAbsolute = Math.Max(worstAbsolute, error);
                if (error > absoluteTolerance + relativeTolerance * Math.Max(Math.Abs(numeric), Math.Abs(exact)) && relative > failedRelative)
                {
                    failed = i;
                    failedNumeric = numeric;
                    failedAnalytic = exact;
                    failedRelative = relative;
                }
            }
            log.WriteLine($"{t.Name}: {t.Values.Length} values, worst relative error {worstRelative:E2}, max abs diff {worstAbsolute:E2}");
            Assert.True(failed < 0,
                $"{t.Name}[{failed}]: finite difference {failedNumeric:G9}, analytic {failedAnalytic:G9}, abs diff {Math.Abs(failedNumeric - failedAnalytic):E3}, relative {failedRelative:E3}");
        }
    }

    /// <summary>L = Σ c·output of a fresh recording, summed in double.</summary>
    private static double Objective(Tape tape, Forward forward, float[] weights)
    {
        var output = forward(tape, []);
        var values = output.Value;
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += (double)weights[i] * values[i];
        }
        tape.Reset();
        return sum;
    }

    private static float[] OutputWeights(int length)
    {
        if (length == 1)
        {
            return [1f];
        }
        var random = new Random(1234);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    public static Parameter RandomParameter(string name, int seed, float scale, params int[] shape)
    {
        int count = shape.Aggregate(1, (product, d) => product * d);
        return new Parameter(name, Random(count, seed, scale), shape);
    }
}
