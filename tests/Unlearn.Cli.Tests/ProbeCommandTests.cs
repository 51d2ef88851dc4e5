// `unlearn probe` as a real process on the scikit-learn goldens (tests/Unlearn.Methods.Tests/Data/logreg, linked into
// Data/logreg): the JSON form scripts rely on, the goldens' objective and support, and errors that name the array.
using System.Text.Json;

namespace Unlearn.Cli.Tests;

public class ProbeCommandTests
{
    private static readonly string Npz = Path.Combine(AppContext.BaseDirectory, "Data", "logreg", "small.npz");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Probe_Json_MatchesTheScikitLearnGolden(int caseIndex)
    {
        using var goldens = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "logreg", "logreg.json")));
        var golden = goldens.RootElement.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("data").GetString() == "small.npz").ElementAt(caseIndex);
        double c = golden.GetProperty("C").GetDouble();

        var result = CliProcess.Run("probe", "--npz", Npz, "--x", "X", "--y", "y", "--C", c.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--tol", "1e-10", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(
            golden.GetProperty("support").EnumerateArray().Select(e => e.GetInt32()),
            root.GetProperty("support").EnumerateArray().Select(e => e.GetInt32()));
        double expected = golden.GetProperty("objective").GetDouble();
        Assert.True(Math.Abs(root.GetProperty("objective").GetDouble() - expected) <= 1e-6 * Math.Abs(expected),
            $"objective {root.GetProperty("objective").GetDouble()} vs scikit-learn {expected}");
        Assert.Equal(24, root.GetProperty("coef").GetArrayLength());
        Assert.Equal(golden.GetProperty("intercept").GetDouble(), root.GetProperty("intercept").GetDouble(), 4);
    }

    [Fact]
    public void Probe_UnknownArray_NamesTheArraysThereAre()
    {
        var result = CliProcess.Run("probe", "--npz", Npz, "--x", "features", "--y", "y");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--x", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("has no array 'features' (it has: X, y)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_LabelsThatAreNotAVector_AreRefused()
    {
        var result = CliProcess.Run("probe", "--npz", Npz, "--x", "X", "--y", "X");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("must be a vector of 520 labels", result.Stderr, StringComparison.Ordinal);
    }
}
