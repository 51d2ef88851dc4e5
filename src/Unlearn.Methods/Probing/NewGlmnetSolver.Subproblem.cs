// newGLMNET, part 2: the gradient and Hessian diagonal at w with outer shrinking, and the coordinate
// descent on the quadratic model  q(d) = ∇L·d + ½ dᵀ H d + ‖w + d‖₁  (H = Xᵀ diag(curvature) X + Nu I)
// with inner shrinking. Constants as in liblinear.
using System.Runtime.CompilerServices;

namespace Unlearn.Methods.Probing;

internal sealed partial class NewGlmnetSolver
{
    /// <summary>Added to the Hessian diagonal so a column of zeros still has a positive curvature.</summary>
    private const double Nu = 1e-12;

    /// <summary>A coordinate step smaller than this is skipped (liblinear).</summary>
    private const double NegligibleStep = 1e-12;

    /// <summary>A coordinate step is clipped to ±10 (liblinear), which keeps early steps on separable data sane.</summary>
    private const double MaxStep = 10;

    /// <summary>
    /// Gradient and Hessian diagonal of every coordinate still active, with its violation v_j (distance of 0
    /// from the subdifferential). A coordinate at 0 whose gradient is well inside (−1, 1) — by more than the
    /// previous iteration's largest violation / n — is shrunk: moved past the active count for this iteration.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double Largest, double Total, int ActiveCount) ComputeGradient(double largestViolationBefore)
    {
        double largest = 0, total = 0;
        double shrinkMargin = largestViolationBefore / rowCount;
        int activeCount = columnCount;
        for (int s = 0; s < activeCount; s++)
        {
            int j = order[s];
            var (g, h) = GradientCurvature(matrix.Column(j));
            gradient[j] = g;
            hessianDiagonal[j] = Nu + h;

            double violation = Violation(weights[j], g, shrinkMargin, out bool shrink);
            if (shrink)
            {
                activeCount--;
                (order[s], order[activeCount]) = (order[activeCount], order[s]);
                s--;
                continue;
            }
            largest = Math.Max(largest, violation);
            total += violation;
        }
        return (largest, total, activeCount);
    }

    /// <summary>
    /// Coordinate descent on the quadratic model over the first <paramref name="activeCount"/> coordinates of
    /// <see cref="order"/>, until the model's total violation is at most <paramref name="stopViolation"/> with every
    /// active coordinate back in play. Leaves the iterate in <see cref="trial"/> and X(trial − w) in
    /// <see cref="direction"/>. Returns the number of cycles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SolveSubproblem(int activeCount, double stopViolation)
    {
        Array.Copy(weights, trial, columnCount);
        Array.Clear(direction);
        int cycles = 0, innerActive = activeCount;
        double largestBefore = double.PositiveInfinity;
        while (cycles < options.MaxCoordinateDescentCycles)
        {
            double largest = 0, total = 0;
            double shrinkMargin = largestBefore / rowCount;
            for (int k = 0; k < innerActive; k++)
            {
                int pick = k + random.NextInt(innerActive - k);
                (order[pick], order[k]) = (order[k], order[pick]);
            }
            // The step of one coordinate is applied to X d together with the next coordinate's dot product
            // (AxpyThenWeightedDot): one pass over the per-row arrays instead of two, same bits.
            int pendingColumn = -1;
            double pendingStep = 0;
            for (int s = 0; s < innerActive; s++)
            {
                int j = order[s];
                ReadOnlySpan<float> column = matrix.Column(j);
                double h = hessianDiagonal[j];
                double dot = pendingColumn < 0
                    ? WeightedDot(column, curvature, direction)
                    : AxpyThenDot(matrix.Column(pendingColumn), pendingStep, column, curvature, direction);
                pendingColumn = -1;
                double g = gradient[j] + (trial[j] - weights[j]) * Nu + dot;

                double violation = Violation(trial[j], g, shrinkMargin, out bool shrink);
                if (shrink)
                {
                    innerActive--;
                    (order[s], order[innerActive]) = (order[innerActive], order[s]);
                    s--;
                    continue;
                }
                largest = Math.Max(largest, violation);
                total += violation;

                // Minimiser of g z + ½ h z² + |trial_j + z|.
                double z;
                if (g + 1 < h * trial[j])
                {
                    z = -(g + 1) / h;
                }
                else if (g - 1 > h * trial[j])
                {
                    z = -(g - 1) / h;
                }
                else
                {
                    z = -trial[j];
                }
                if (Math.Abs(z) < NegligibleStep)
                {
                    continue;
                }
                z = Math.Clamp(z, -MaxStep, MaxStep);
                trial[j] += z;
                (pendingColumn, pendingStep) = (j, z);
            }
            if (pendingColumn >= 0)
            {
                Axpy(matrix.Column(pendingColumn), pendingStep, direction);
            }
            cycles++;

            if (total <= stopViolation)
            {
                if (innerActive == activeCount)
                {
                    break;
                }
                // Converged on the shrunk set: bring every active coordinate back and check again.
                innerActive = activeCount;
                largestBefore = double.PositiveInfinity;
                continue;
            }
            largestBefore = largest;
        }
        return cycles;
    }

    /// <summary>
    /// Distance of 0 from g + ∂|w_j| (the minimum-norm subgradient). At w_j = 0 with |g| &lt; 1 it is 0, and
    /// <paramref name="shrink"/> says whether g is inside (−1 + margin, 1 − margin).
    /// </summary>
    private static double Violation(double weight, double g, double shrinkMargin, out bool shrink)
    {
        shrink = false;
        double plus = g + 1, minus = g - 1;
        if (weight > 0)
        {
            return Math.Abs(plus);
        }
        if (weight < 0)
        {
            return Math.Abs(minus);
        }
        if (plus < 0)
        {
            return -plus;
        }
        if (minus > 0)
        {
            return minus;
        }
        shrink = plus > shrinkMargin && minus < -shrinkMargin;
        return 0;
    }
}
