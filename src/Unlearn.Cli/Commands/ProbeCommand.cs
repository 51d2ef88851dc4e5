// `unlearn probe`: the Saliency stage's L1 logistic regression on arrays of an .npz, for researchers who probe cached
// activations from a script.
//   unlearn probe --npz FILE --x ARRAY --y ARRAY [--C C] [--no-standardize] [--json]
// X is a float32 (or float16) matrix [rows, features]; y holds one label per row, 1 = concept and 0 = other (bool or
// integers). The objective is liblinear's L1R_LR with balanced class weights and a penalised intercept, as
// scikit-learn's LogisticRegression(penalty='l1', solver='liblinear', class_weight='balanced'); by default the
// features are standardised first (population mean and std, as StandardScaler), and the coefficients are those of
// the standardised features. --json prints {"coef": [...], "intercept": b, "objective": f, "support": [...]}.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Unlearn.Methods.Probing;
using Unlearn.Models.Formats;

namespace Unlearn.Cli.Commands;

internal static class ProbeCommand
{
    public static Command Create()
    {
        var npz = new Option<string>("--npz") { Description = "numpy .npz archive holding X and y", Required = true };
        var x = new Option<string>("--x") { Description = "Name of the feature matrix [rows, features] in the archive (float32)", Required = true };
        var y = new Option<string>("--y") { Description = "Name of the label vector [rows] in the archive (1 = concept, 0 = other)", Required = true };
        var c = new Option<double>("--C") { Description = "Inverse regularisation strength (scikit-learn's C)", DefaultValueFactory = _ => 1.0 };
        var noStandardize = new Option<bool>("--no-standardize") { Description = "Fit on the raw features (default: standardise each column first)" };
        var tolerance = new Option<double>("--tol") { Description = "Stopping tolerance of the solver", DefaultValueFactory = _ => 1e-4 };
        var json = new Option<bool>("--json") { Description = "Print {\"coef\", \"intercept\", \"objective\", \"support\"} as one JSON object" };
        var command = new Command("probe", "Fit an L1 logistic regression (liblinear's objective) on arrays of an .npz file.")
        {
            npz, x, y, c, noStandardize, tolerance, json,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            string path = parse.GetValue(npz)!;
            var arrays = NpzFile.Read(path);
            var features = Array(arrays, path, parse.GetValue(x)!, "--x");
            var labels = Array(arrays, path, parse.GetValue(y)!, "--y");
            if (features.Shape.Length != 2)
            {
                throw new CommandLineException($"--x: '{parse.GetValue(x)}' in {path} has shape ({string.Join(", ", features.Shape)}); it must be a matrix [rows, features].");
            }
            int rowCount = checked((int)features.Shape[0]);
            int featureCount = checked((int)features.Shape[1]);
            float[] rows = features.ToFloat32Array();
            bool[] concept = Labels(labels, rowCount, path, parse.GetValue(y)!);
            if (!parse.GetValue(noStandardize))
            {
                Standardizer.Fit(rows, rowCount, featureCount).Transform(rows, rows);
            }
            var options = new L1LogisticOptions { C = parse.GetValue(c), Tolerance = parse.GetValue(tolerance) };
            var model = L1LogisticRegression.Fit(rows, rowCount, featureCount, concept, options);
            if (parse.GetValue(json))
            {
                WriteJson(model);
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{rowCount} rows × {featureCount} features, C {options.C}: objective {model.Objective:G10}, intercept {model.Intercept:G6}, " +
                    $"{model.Support.Count} non-zero coefficients ({(model.Converged ? "converged" : model.StopReason.ToString())}), training accuracy {model.Accuracy(rows, rowCount, concept):P1}"));
                foreach (var j in model.Support.OrderByDescending(j => Math.Abs(model.Coefficients[j])).Take(20))
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  feature {j,6}  {model.Coefficients[j],12:F6}"));
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static NpyArray Array(IReadOnlyDictionary<string, NpyArray> arrays, string path, string name, string option) =>
        arrays.TryGetValue(name, out var array)
            ? array
            : throw new CommandLineException($"{option}: {path} has no array '{name}' (it has: {string.Join(", ", arrays.Keys.Order(StringComparer.Ordinal))}).");

    private static bool[] Labels(NpyArray labels, int rowCount, string path, string name)
    {
        if (labels.Shape.Length != 1 || labels.Shape[0] != rowCount)
        {
            throw new CommandLineException($"--y: '{name}' in {path} has shape ({string.Join(", ", labels.Shape)}); it must be a vector of {rowCount} labels, one per row of X.");
        }
        var values = labels.DType is NpyDType.Int64 or NpyDType.Int32 or NpyDType.UInt8 or NpyDType.Bool
            ? labels.ToInt64Array().Select(v => (double)v).ToArray()
            : labels.ToFloat64Array();
        var result = new bool[rowCount];
        for (int i = 0; i < rowCount; i++)
        {
            result[i] = values[i] switch
            {
                1 => true,
                0 => false,
                _ => throw new CommandLineException(string.Create(CultureInfo.InvariantCulture,
                    $"--y: '{name}' in {path} holds {values[i]} at index {i}; labels must be 0 (other) or 1 (concept).")),
            };
        }
        return result;
    }

    private static void WriteJson(L1LogisticModel model)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("coef");
            foreach (var value in model.Coefficients)
            {
                writer.WriteNumberValue(value);
            }
            writer.WriteEndArray();
            writer.WriteNumber("intercept", model.Intercept);
            writer.WriteNumber("objective", model.Objective);
            writer.WriteStartArray("support");
            foreach (var j in model.Support)
            {
                writer.WriteNumberValue(j);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }
}
