// Scalar functions the probing code needs accurate to a few ulps: log(1 + x) and exp(x) − 1 for small x
// (the BCL's double.LogP1 and double.ExpM1 are plain Log(x + 1) and Exp(x) − 1, which lose every digit
// for |x| near 1e-16), a softplus that does not overflow, and the logistic pair σ(−u), σ(u).
namespace Unlearn.Methods.Probing;

internal static class ProbeMath
{
    /// <summary>log(1 + x), accurate for small |x| (Goldberg 1991, Theorem 4).</summary>
    public static double Log1P(double x)
    {
        double u = 1 + x;
        if (u == 1)
        {
            return x;
        }
        if (double.IsPositiveInfinity(u))
        {
            return Math.Log(x);
        }
        return Math.Log(u) * x / (u - 1);
    }

    /// <summary>exp(x) − 1, accurate for small |x| (Kahan's correction by x / log(exp(x))).</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }
        double um1 = u - 1;
        if (um1 == -1 || double.IsPositiveInfinity(u))
        {
            return um1;
        }
        return um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + exp(u)) without overflow.</summary>
    public static double Softplus(double u) => Math.Max(u, 0) + Log1P(Math.Exp(-Math.Abs(u)));

    /// <summary>(σ(−u), σ(u)) with σ(u) = 1 / (1 + exp(−u)), each to full relative precision.</summary>
    public static (double Negative, double Positive) LogisticPair(double u)
    {
        double e = Math.Exp(-Math.Abs(u));
        double small = e / (1 + e), large = 1 / (1 + e);
        return u >= 0 ? (small, large) : (large, small);
    }
}
