// Number formatting shared by the reports and the build-log summary: invariant culture, a precision that suits
// the magnitude, and the same text for the same double every time.
using System.Globalization;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static class ValueFormat
{
    public static string Number(double value)
    {
        double magnitude = Math.Abs(value);
        string format = value == 0 ? "0"
            : magnitude >= 1000 ? "0"
            : magnitude >= 10 ? "0.00"
            : magnitude >= 0.001 ? "0.000"
            : "0.0##E+0";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>"0.712 [0.620, 0.790]", or "n/a" for a metric that does not apply.</summary>
    public static string WithInterval(MetricEstimate estimate) =>
        estimate.Value is double v ? $"{Number(v)} [{Number(estimate.Low!.Value)}, {Number(estimate.High!.Value)}]" : "n/a";

    public static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>An arrow saying which direction is better ("↓", "↑" or "").</summary>
    public static string Arrow(Better better) => better switch
    {
        Better.Lower => "↓",
        Better.Higher => "↑",
        _ => "",
    };
}
