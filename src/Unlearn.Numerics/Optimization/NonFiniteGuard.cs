// Stops a training run at the first NaN or ±∞, naming the step and the first parameter (in optimiser order) whose
// gradient holds one, instead of letting the optimiser write NaN into every weight.
using System.Numerics.Tensors;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Numerics.Optimization;

public static class NonFiniteGuard
{
    /// <summary>Throws <see cref="NonFiniteGradientException"/> if any gradient element is NaN or infinite.</summary>
    public static void ThrowIfNonFinite(IReadOnlyList<Parameter> parameters, long step)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var parameter in parameters)
        {
            var g = parameter.Gradient;
            if (TensorPrimitives.IsFiniteAll<float>(g))
            {
                continue;
            }
            int index = 0;
            while (float.IsFinite(g[index]))
            {
                index++;
            }
            throw new NonFiniteGradientException(step, parameter.Name, index, g[index]);
        }
    }

    /// <summary>Throws <see cref="NonFiniteLossException"/> if the loss is NaN or infinite.</summary>
    public static void ThrowIfNonFinite(double loss, long step)
    {
        if (!double.IsFinite(loss))
        {
            throw new NonFiniteLossException(step, loss);
        }
    }
}

/// <summary>A gradient holds NaN or ±∞ at the given training step.</summary>
public sealed class NonFiniteGradientException(long step, string parameterName, int index, float value)
    : ArithmeticException(
        $"Training step {step}: the gradient of '{parameterName}' is {value} at element {index}. " +
        "Lower the learning rate, enable gradient clipping, or inspect this step's batch; the weights were not updated.")
{
    public long Step { get; } = step;

    public string ParameterName { get; } = parameterName;

    public int Index { get; } = index;

    public float Value { get; } = value;
}

/// <summary>The loss is NaN or ±∞ at the given training step.</summary>
public sealed class NonFiniteLossException(long step, double loss)
    : ArithmeticException(
        $"Training step {step}: the loss is {loss}. Lower the learning rate, check the batch for labels outside the vocabulary " +
        "or masked (−∞) logits, or enable gradient clipping; the weights were not updated.")
{
    public long Step { get; } = step;

    public double Loss { get; } = loss;
}
