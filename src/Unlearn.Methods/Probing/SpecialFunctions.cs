// The special functions behind Student's t distribution: log Γ, log B and the regularised incomplete beta
// function I_x(a, b), in double precision (relative error ~1e-13 or better over the ranges the t-test uses,
// checked against scipy in the tests). Written from the textbook formulas: Stirling's series with argument
// shifting for log Γ, a cancellation-free form of log Γ(a) − log Γ(a + b) for large a, and the continued
// fraction of I_x(a, b) evaluated by the modified Lentz method. Not a general special-function library.
namespace Unlearn.Methods.Probing;

internal static class SpecialFunctions
{
    // Stirling's series is accurate to < 1e-15 absolute for x ≥ 10 with the five terms below.
    private const double StirlingThreshold = 10;
    private const double HalfLogTwoPi = 0.91893853320467274178;
    private const int MaxContinuedFractionTerms = 100_000;

    /// <summary>log Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "log Γ is implemented for x > 0 only.");
        }
        if (double.IsPositiveInfinity(x))
        {
            return x;
        }
        // Γ(x) = Γ(x + k) / (x (x + 1) … (x + k − 1)): shift into the range where Stirling's series is accurate.
        double shift = 0;
        double product = 1;
        while (x < StirlingThreshold)
        {
            product *= x;
            x += 1;
        }
        if (product != 1)
        {
            shift = Math.Log(product);
        }
        return (x - 0.5) * Math.Log(x) - x + HalfLogTwoPi + StirlingCorrection(x) - shift;
    }

    /// <summary>log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b &gt; 0.</summary>
    public static double LogBeta(double a, double b)
    {
        double large = Math.Max(a, b), small = Math.Min(a, b);
        if (large < StirlingThreshold)
        {
            return LogGamma(a) + LogGamma(b) - LogGamma(a + b);
        }
        // log Γ(L) − log Γ(L + s) from Stirling's series, rearranged so nothing of size L log L cancels:
        //   (L − ½) log L − (L + s − ½) log(L + s) + s = −(L − ½) log1p(s / L) − s log(L + s) + s.
        double difference = -(large - 0.5) * ProbeMath.Log1P(small / large) - small * Math.Log(large + small) + small
            + StirlingCorrection(large) - StirlingCorrection(large + small);
        return LogGamma(small) + difference;
    }

    /// <summary>
    /// The regularised incomplete beta function I_x(a, b) for a, b &gt; 0 and 0 ≤ x ≤ 1. <paramref name="complement"/>
    /// must be 1 − x, passed separately so a caller who knows it exactly (the t-test does) loses no digits near x = 1.
    /// </summary>
    public static double RegularizedIncompleteBeta(double x, double complement, double a, double b)
    {
        if (!(a > 0) || !(b > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(a), $"a = {a} and b = {b} must both be positive.");
        }
        if (double.IsNaN(x) || double.IsNaN(complement))
        {
            return double.NaN;
        }
        if (x <= 0)
        {
            return 0;
        }
        if (complement <= 0)
        {
            return 1;
        }
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use I_x(a, b) = 1 − I_{1−x}(b, a).
        if (x * (a + b + 2) < a + 1)
        {
            return Front(x, complement, a, b) * ContinuedFraction(x, a, b) / a;
        }
        return 1 - Front(complement, x, b, a) * ContinuedFraction(complement, b, a) / b;
    }

    /// <summary>x^a (1 − x)^b / B(a, b), in logs.</summary>
    private static double Front(double x, double complement, double a, double b) =>
        Math.Exp(a * LogOf(x, complement) + b * LogOf(complement, x) - LogBeta(a, b));

    /// <summary>
    /// log x given also 1 − x: near x = 1, log1p(−(1 − x)) keeps the digits that log(x) loses to x's rounding
    /// (with a = 5e5, as for a t-test on a million rows, those lost digits would cost 5e-11 of relative accuracy).
    /// </summary>
    private static double LogOf(double x, double complement) => x > 0.5 ? ProbeMath.Log1P(-complement) : Math.Log(x);

    /// <summary>
    /// 1 / (1 + d₁ / (1 + d₂ / (1 + …))) with d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and
    /// d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)), by the modified Lentz method.
    /// </summary>
    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        const double converged = 4e-16; // two ulps of 1: a tighter test can cycle on rounding
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double result = d;
        for (int m = 1; m <= MaxContinuedFractionTerms; m++)
        {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + even * d;
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + even / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            result *= d * c;

            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + odd * d;
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + odd / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            double factor = d * c;
            result *= factor;
            if (Math.Abs(factor - 1) < converged)
            {
                return result;
            }
        }
        throw new InvalidOperationException(
            $"The incomplete beta continued fraction did not converge in {MaxContinuedFractionTerms} terms (x = {x:R}, a = {a:R}, b = {b:R}).");
    }

    /// <summary>log Γ(x) − [(x − ½) log x − x + ½ log 2π] for x ≥ 10 (Stirling's series, five terms).</summary>
    private static double StirlingCorrection(double x)
    {
        double inverse = 1 / x, inverseSquared = inverse * inverse;
        return inverse * (1.0 / 12 - inverseSquared * (1.0 / 360 - inverseSquared * (1.0 / 1260 - inverseSquared * (1.0 / 1680 - inverseSquared / 1188))));
    }
}
