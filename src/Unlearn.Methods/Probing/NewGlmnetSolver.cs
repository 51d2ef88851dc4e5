// newGLMNET for L1-regularised logistic regression (Yuan, Ho and Lin 2012; liblinear's L1R_LR solver):
// each Newton iteration minimises a quadratic model of the loss plus the L1 term by cyclic coordinate
// descent in a seeded random order, with shrinking of coordinates that sit at zero, then takes an Armijo
// line search along the resulting direction. The stopping rule and constants are liblinear's; the
// differences are numerical only: margins are kept instead of exp(margin) (no overflow), the line search
// sums per-row loss changes (log1p/expm1) and per-coordinate norm changes instead of differencing totals
// (liblinear cannot certify the last tiny decreases and runs to max_iter at tol 1e-10), the gradient is
// one sum Σ x·∂loss instead of a difference of two large sums, the trial point is reset to w at the start
// of every subproblem, and two failed line searches in a row stop the fit (LineSearchStalled) instead of
// looping to max_iter. Single-threaded and deterministic (seeded coordinate order, fixed-order sums).
// Not a general GLM solver.
//
// Legend: n = rowCount, columns = features (+ the intercept column), w = weights, m_i = w·x_i (margin),
// s_i = ±1, C_i = C · c_{y_i}, loss_i = C_i log(1 + exp(−s_i m_i)).
using System.Runtime.CompilerServices;
using Unlearn.Methods.Probing.Kernels;

namespace Unlearn.Methods.Probing;

internal sealed partial class NewGlmnetSolver
{
    private readonly DesignMatrix matrix;
    private readonly L1LogisticOptions options;
    private readonly int rowCount;
    private readonly int columnCount;
    private readonly int positiveCount;

    // Per row.
    private readonly double[] sign;          // s_i
    private readonly double[] rowCost;       // C_i
    private readonly double[] margin;        // m_i at w
    private readonly double[] missProbability; // σ(−s_i m_i)
    private readonly double[] slope;         // ∂loss_i/∂m_i = −s_i C_i σ(−s_i m_i)
    private readonly double[] curvature;     // ∂²loss_i/∂m_i² = C_i σ(m_i) σ(−m_i)
    private readonly double[] direction;     // (X (trial − w))_i

    // Per column.
    private readonly double[] weights;       // w
    private readonly double[] trial;         // w + d, the subproblem's iterate (liblinear's wpd)
    private readonly double[] gradient;      // ∂loss/∂w_j at w
    private readonly double[] hessianDiagonal; // ∂²loss/∂w_j² at w, plus Nu
    private readonly int[] order;            // active coordinates first (shrinking), shuffled per cycle

    private ProbeRandom random;

    public NewGlmnetSolver(DesignMatrix matrix, ReadOnlySpan<bool> labels, L1LogisticOptions options)
    {
        this.matrix = matrix;
        this.options = options;
        rowCount = matrix.RowCount;
        columnCount = matrix.ColumnCount;
        random = new ProbeRandom(options.Seed);

        positiveCount = 0;
        foreach (bool label in labels)
        {
            positiveCount += label ? 1 : 0;
        }
        int negativeCount = rowCount - positiveCount;
        double positiveCost = options.C, negativeCost = options.C;
        if (options.ClassWeighting == ClassWeighting.Balanced)
        {
            positiveCost *= rowCount / (2.0 * positiveCount);
            negativeCost *= rowCount / (2.0 * negativeCount);
        }

        sign = new double[rowCount];
        rowCost = new double[rowCount];
        for (int i = 0; i < rowCount; i++)
        {
            sign[i] = labels[i] ? 1 : -1;
            rowCost[i] = labels[i] ? positiveCost : negativeCost;
        }
        margin = new double[rowCount];
        missProbability = new double[rowCount];
        slope = new double[rowCount];
        curvature = new double[rowCount];
        direction = new double[rowCount];

        weights = new double[columnCount];
        trial = new double[columnCount];
        gradient = new double[columnCount];
        hessianDiagonal = new double[columnCount];
        order = new int[columnCount];
        for (int j = 0; j < columnCount; j++)
        {
            order[j] = j;
        }
    }

    public L1LogisticModel Solve()
    {
        int negativeCount = rowCount - positiveCount;
        double epsilon = options.Tolerance * Math.Max(Math.Min(positiveCount, negativeCount), 1) / rowCount;
        double initialViolation = 0, lastViolation = 0, largestViolationBefore = double.PositiveInfinity;
        double innerEpsilon = 1;
        int newtonIterations = 0, cycles = 0, failedLineSearches = 0;
        var stopReason = L1LogisticStopReason.MaxNewtonIterations;

        UpdateRowDerivatives();
        while (newtonIterations < options.MaxNewtonIterations)
        {
            var (largestViolation, totalViolation, activeCount) = ComputeGradient(largestViolationBefore);
            if (newtonIterations == 0)
            {
                initialViolation = totalViolation;
            }
            lastViolation = totalViolation;
            if (totalViolation <= epsilon * initialViolation)
            {
                stopReason = L1LogisticStopReason.Converged;
                break;
            }

            int subproblemCycles = SolveSubproblem(activeCount, innerEpsilon * initialViolation);
            cycles += subproblemCycles;
            if (LineSearch())
            {
                failedLineSearches = 0;
            }
            else
            {
                // No sufficient decrease even at 2^-20 of the step: remove any drift in the margins and try once
                // more from a fresh gradient; a second failure means rounding, not the model, limits progress.
                RecomputeMargins();
                UpdateRowDerivatives();
                if (++failedLineSearches == 2)
                {
                    newtonIterations++;
                    stopReason = L1LogisticStopReason.LineSearchStalled;
                    break;
                }
            }
            if (subproblemCycles == 1)
            {
                innerEpsilon *= 0.25;
            }
            newtonIterations++;
            largestViolationBefore = largestViolation;
        }

        RecomputeMargins();
        double objective = 0;
        foreach (double w in weights)
        {
            objective += Math.Abs(w);
        }
        for (int i = 0; i < rowCount; i++)
        {
            objective += rowCost[i] * ProbeMath.Softplus(-sign[i] * margin[i]);
        }
        int featureCount = matrix.FeatureCount;
        double intercept = matrix.HasIntercept ? weights[featureCount] : 0;
        return new L1LogisticModel(
            weights.AsSpan(0, featureCount).ToArray(), intercept, objective, newtonIterations, cycles, stopReason,
            initialViolation, lastViolation, options);
    }

    /// <summary>Loss derivatives of every row at the current margins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateRowDerivatives()
    {
        for (int i = 0; i < rowCount; i++)
        {
            var (miss, hit) = ProbeMath.LogisticPair(sign[i] * margin[i]);
            missProbability[i] = miss;
            slope[i] = -sign[i] * rowCost[i] * miss;
            curvature[i] = rowCost[i] * miss * hit;
        }
    }

    /// <summary>Margins m = X w from scratch, columns in index order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecomputeMargins()
    {
        Array.Clear(margin);
        for (int j = 0; j < columnCount; j++)
        {
            if (weights[j] != 0)
            {
                Axpy(matrix.Column(j), weights[j], margin);
            }
        }
    }

    private double WeightedDot(ReadOnlySpan<float> column, double[] weight, double[] value) =>
        options.UseReferenceKernels ? WeightedColumnDot.Reference(column, weight, value) : WeightedColumnDot.Compute(column, weight, value);

    private double AxpyThenDot(ReadOnlySpan<float> previous, double scale, ReadOnlySpan<float> next, double[] weight, double[] value) =>
        options.UseReferenceKernels
            ? AxpyThenWeightedDot.Reference(previous, scale, next, weight, value)
            : AxpyThenWeightedDot.Compute(previous, scale, next, weight, value);

    private void Axpy(ReadOnlySpan<float> column, double scale, double[] value)
    {
        if (options.UseReferenceKernels)
        {
            ColumnAxpy.Reference(column, scale, value);
        }
        else
        {
            ColumnAxpy.Compute(column, scale, value);
        }
    }

    private (double Gradient, double Curvature) GradientCurvature(ReadOnlySpan<float> column) =>
        options.UseReferenceKernels
            ? ColumnGradientCurvature.Reference(column, slope, curvature)
            : ColumnGradientCurvature.Compute(column, slope, curvature);
}
