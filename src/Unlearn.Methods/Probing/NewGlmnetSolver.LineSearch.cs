// newGLMNET, part 3: the Armijo line search along d = trial − w. Accepts step 2^-k (k < 20) when
//   ‖w + d‖₁ − ‖w‖₁ + Σ_i Δloss_i ≤ σ · (∇L·d + ‖w + d‖₁ − ‖w‖₁) · 2^-k,   σ = 0.01   (liblinear's rule),
// halving d, the trial point and X d between attempts.
using System.Runtime.CompilerServices;

namespace Unlearn.Methods.Probing;

internal sealed partial class NewGlmnetSolver
{
    private const double SufficientDecrease = 0.01;
    private const int MaxLineSearchSteps = 20;

    /// <summary>Returns true and moves w to the accepted trial point, or false (w unchanged) after 20 halvings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool LineSearch()
    {
        // Every term is a per-coordinate or per-row difference, never a difference of two totals (‖w + d‖₁ − ‖w‖₁
        // as two sums of size ~‖w‖₁ would drown the ~1e-18 decreases of the last Newton steps in rounding).
        double normChange = NormChange();
        double predicted = normChange;
        for (int j = 0; j < columnCount; j++)
        {
            predicted += gradient[j] * (trial[j] - weights[j]);
        }

        for (int step = 0; step < MaxLineSearchSteps; step++)
        {
            double change = normChange - SufficientDecrease * predicted;
            for (int i = 0; i < rowCount; i++)
            {
                change += LossChange(i, direction[i]);
            }
            if (change <= 0)
            {
                Array.Copy(trial, weights, columnCount);
                for (int i = 0; i < rowCount; i++)
                {
                    margin[i] += direction[i];
                }
                UpdateRowDerivatives();
                return true;
            }
            for (int j = 0; j < columnCount; j++)
            {
                trial[j] = (weights[j] + trial[j]) * 0.5;
            }
            normChange = NormChange();
            predicted *= 0.5;
            for (int i = 0; i < rowCount; i++)
            {
                direction[i] *= 0.5;
            }
        }
        return false;
    }

    /// <summary>‖trial‖₁ − ‖w‖₁ as a sum of per-coordinate differences.</summary>
    private double NormChange()
    {
        double change = 0;
        for (int j = 0; j < columnCount; j++)
        {
            change += Math.Abs(trial[j]) - Math.Abs(weights[j]);
        }
        return change;
    }

    /// <summary>loss_i(m_i + d) − loss_i(m_i), computed without cancellation for small d.</summary>
    private double LossChange(int i, double d)
    {
        double signedStep = sign[i] * d;
        if (Math.Abs(signedStep) < 1)
        {
            // log(1 + e^{−s(m+d)}) − log(1 + e^{−s m}) = log1p(σ(−s m) · expm1(−s d)).
            return rowCost[i] * ProbeMath.Log1P(missProbability[i] * ProbeMath.ExpM1(-signedStep));
        }
        double signedMargin = sign[i] * margin[i];
        return rowCost[i] * (ProbeMath.Softplus(-signedMargin - signedStep) - ProbeMath.Softplus(-signedMargin));
    }
}
