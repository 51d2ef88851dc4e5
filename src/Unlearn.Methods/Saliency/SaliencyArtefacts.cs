// The saliency stage's files:
//   scores.safetensors  one F32 vector per site, named "layers.{i}.{site}", the raw scores (0 for zero-variance units);
//                       metadata: method, compat.
//   selection.json      the budget arithmetic and, per selected weight row, {rank, site, unit, score, ranking_score,
//                       tensor, row}: an mlp.act neuron appears twice (gate_proj and up_proj row) with the same rank.
//   masks.safetensors   one 0/1 row mask per edited weight (RowMaskFile), named by the HF weight name.
//   probe.json          per site: method, rows, train and held-out accuracy, C, non-zero count, t-test, CV table.
//   random-selection.json, random-masks.safetensors   the random-rows control in the same two layouts ("method":
//                       "random", ranks in draw order, each unit's own score kept for comparison).
using System.Text.Json;
using Unlearn.Methods.Examples;
using Unlearn.Models.Edits;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Saliency;

public static class SaliencyArtefacts
{
    /// <summary>The row-mask edits a saliency folder's masks.safetensors stands for.</summary>
    public static ModelEdits LoadEdits(string folder) => RowMaskFile.Read(Path.Combine(folder, SaliencyAnalysis.MasksFile));

    /// <summary>The row-mask edits of the random-rows control (random-masks.safetensors).</summary>
    public static ModelEdits LoadRandomEdits(string folder) => RowMaskFile.Read(Path.Combine(folder, SaliencyAnalysis.RandomMasksFile));

    internal static void Write(SaliencyResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        var options = result.Options;
        var scores = new SafetensorsWriter();
        scores.SetMetadata("method", MethodName(options.Method));
        scores.SetMetadata("compat", CompatName(options.Compat));
        foreach (var site in result.Sites)
        {
            scores.AddFloat32(site.Site.Name, site.Scores.Select(s => (float)s).ToArray(), site.Scores.Count);
        }
        scores.Save(Path.Combine(folder, SaliencyAnalysis.ScoresFile));
        RowMaskFile.Write(Path.Combine(folder, SaliencyAnalysis.MasksFile), result.PrunedRows, result.RowCounts, options.MaskDType);
        ArtefactJson.Write(Path.Combine(folder, SaliencyAnalysis.SelectionFile), writer => WriteSelection(writer, result, result.Selected, result.PrunedRows, MethodName(options.Method)));
        RowMaskFile.Write(Path.Combine(folder, SaliencyAnalysis.RandomMasksFile), result.RandomPrunedRows, result.RandomRowCounts, options.MaskDType);
        ArtefactJson.Write(Path.Combine(folder, SaliencyAnalysis.RandomSelectionFile), writer => WriteSelection(writer, result, result.RandomSelected, result.RandomPrunedRows, "random"));
        ArtefactJson.Write(Path.Combine(folder, SaliencyAnalysis.ProbeFile), writer => WriteProbe(writer, result));
    }

    public static string MethodName(SaliencyMethod method) => method switch
    {
        SaliencyMethod.DiffMeans => "diff-means",
        SaliencyMethod.Gradient => "gradient",
        SaliencyMethod.Fisher => "fisher",
        SaliencyMethod.Random => "random",
        _ => "l1-logistic",
    };

    public static string CompatName(MappingCompat compat) => compat == MappingCompat.Seed ? "seed" : "corrected";

    private static void WriteSelection(
        Utf8JsonWriter writer, SaliencyResult result, IReadOnlyList<SelectedUnit> selected, IReadOnlyDictionary<string, int[]> pruned, string method)
    {
        writer.WriteStartObject();
        writer.WriteString("format", "unlearn-saliency-selection");
        writer.WriteNumber("version", 1);
        writer.WriteString("method", method);
        writer.WriteString("compat", CompatName(result.Options.Compat));
        writer.WriteNumber("prune_fraction", result.Options.PruneFraction);
        writer.WriteBoolean("normalize_per_site", result.Options.NormalizePerSite);
        writer.WriteNumber("candidate_units", result.CandidateUnits);
        writer.WriteNumber("budget", result.Budget);
        writer.WriteNumber("positive_units", result.PositiveUnits);
        writer.WriteNumber("selected_units", selected.Count);
        writer.WriteNumber("selected_rows", pruned.Values.Sum(r => r.Length));
        writer.WriteStartObject("sites");
        foreach (var site in result.Sites)
        {
            writer.WriteStartObject(site.Site.Name);
            writer.WriteNumber("units", site.Scores.Count);
            writer.WriteNumber("positive_units", site.Scores.Count(s => s > 0));
            writer.WriteNumber("selected_units", selected.Count(u => u.Site == site.Site));
            writer.WriteNumber("max_score", site.MaxScore);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteStartArray("selected");
        foreach (var unit in selected)
        {
            foreach (var row in unit.Rows)
            {
                writer.WriteStartObject();
                writer.WriteNumber("rank", unit.Rank);
                writer.WriteString("site", unit.Site.Name);
                writer.WriteNumber("unit", unit.Unit);
                writer.WriteNumber("score", unit.Score);
                writer.WriteNumber("ranking_score", unit.RankingScore);
                writer.WriteString("tensor", row.Tensor);
                writer.WriteNumber("row", row.Row);
                writer.WriteEndObject();
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteProbe(Utf8JsonWriter writer, SaliencyResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("format", "unlearn-saliency-probe");
        writer.WriteNumber("version", 1);
        writer.WriteString("method", MethodName(result.Options.Method));
        writer.WriteStartObject("sites");
        foreach (var site in result.Sites)
        {
            var report = site.Report;
            writer.WriteStartObject(site.Site.Name);
            writer.WriteString("method", report.Method);
            writer.WriteNumber("concept_rows", report.ConceptRows);
            writer.WriteNumber("background_rows", report.BackgroundRows);
            writer.WriteNumber("train_rows", report.TrainRows);
            writer.WriteNumber("heldout_rows", report.HeldOutRows);
            writer.WriteNumberOrNull("train_accuracy", report.TrainAccuracy);
            writer.WriteNumberOrNull("heldout_accuracy", report.HeldOutAccuracy);
            writer.WriteNumberOrNull("c", report.C ?? double.NaN);
            writer.WriteNumber("nonzero", report.NonZeroCount);
            writer.WriteBoolean("ttest_weighting", report.TTestWeighting);
            writer.WriteBoolean("standardized", report.Standardized);
            writer.WriteNumber("zero_variance_units", report.ZeroVarianceColumns);
            if (report.CrossValidation is { } cv)
            {
                writer.WriteStartObject("cross_validation");
                writer.WriteNumber("folds", cv.FoldCount);
                writer.WriteNumber("chosen_c", cv.ChosenC);
                writer.WriteStartArray("grid");
                foreach (var point in cv.Points)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("c", point.C);
                    writer.WriteNumber("mean_accuracy", point.MeanAccuracy);
                    writer.WriteNumber("mean_nonzero", point.MeanNonZeroCount);
                    writer.WriteStartArray("fold_accuracies");
                    foreach (double accuracy in point.FoldAccuracies)
                    {
                        writer.WriteNumberValue(accuracy);
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("cross_validation");
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The scores of a saliency folder's scores.safetensors, by site.</summary>
    public static IReadOnlyDictionary<HookSite, float[]> ReadScores(string folder)
    {
        string path = Path.Combine(folder, SaliencyAnalysis.ScoresFile);
        using var file = SafetensorsFile.Open(path);
        var scores = new SortedDictionary<HookSite, float[]>(Comparer<HookSite>.Create((a, b) => a.Layer != b.Layer ? a.Layer.CompareTo(b.Layer) : a.Kind.CompareTo(b.Kind)));
        foreach (var tensor in file.Tensors)
        {
            if (!HookSite.TryParse(tensor.Name, out var site))
            {
                throw new SafetensorsFormatException(path, $"tensor '{tensor.Name}' is not a site name (layers.{{i}}.{{site}}).", tensor.Name);
            }
            scores[site] = tensor.ToFloat32Array();
        }
        return scores;
    }
}
