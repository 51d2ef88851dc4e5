// Shared validation of the (rows, rowCount, featureCount, labels) arguments every probing entry point
// takes: row-major float rows [rowCount, featureCount] and one label per row (true = concept, y = 1).
namespace Unlearn.Methods.Probing;

internal static class ProbeInput
{
    public static void CheckShape(ReadOnlySpan<float> rows, int rowCount, int featureCount, string rowsName = "rows")
    {
        if (rowCount < 1)
        {
            throw new ProbeDataException($"{rowsName}: rowCount is {rowCount}; at least one row is needed.");
        }
        if (featureCount < 1)
        {
            throw new ProbeDataException($"{rowsName}: featureCount is {featureCount}; at least one feature is needed.");
        }
        if ((long)rowCount * featureCount != rows.Length)
        {
            throw new ProbeDataException(
                $"{rowsName}: holds {rows.Length} values but rowCount × featureCount = {rowCount} × {featureCount} = {(long)rowCount * featureCount}; pass row-major [rowCount, featureCount] data.");
        }
    }

    /// <summary>Throws naming <paramref name="rowsName"/>[row, column] when the row holds a NaN or ±∞.</summary>
    public static void CheckFinite(ReadOnlySpan<float> row, int rowIndex, string rowsName)
    {
        int column = Kernels.NonFiniteSearch.IndexOfNonFinite(row);
        if (column >= 0)
        {
            throw new ProbeDataException(
                $"{rowsName}[{rowIndex}, {column}] is {row[column]}; activations must be finite. Check the activation cache for overflow.");
        }
    }

    public static void CheckLabels(ReadOnlySpan<bool> labels, int rowCount)
    {
        if (labels.Length != rowCount)
        {
            throw new ProbeDataException($"labels: {labels.Length} labels for {rowCount} rows; give exactly one label (true = concept) per row.");
        }
    }

    /// <summary>Counts (concept, background) among the rows listed in <paramref name="rowIndices"/> (all rows when null).</summary>
    private static (int Concept, int Background) CountClasses(ReadOnlySpan<bool> labels, int[]? rowIndices)
    {
        int concept = 0, total = rowIndices?.Length ?? labels.Length;
        for (int r = 0; r < total; r++)
        {
            concept += labels[rowIndices?[r] ?? r] ? 1 : 0;
        }
        return (concept, total - concept);
    }

    /// <summary>Throws unless both classes occur among the selected rows.</summary>
    public static (int Concept, int Background) RequireBothClasses(ReadOnlySpan<bool> labels, int[]? rowIndices, string what)
    {
        var counts = CountClasses(labels, rowIndices);
        if (counts.Concept == 0 || counts.Background == 0)
        {
            string only = counts.Concept == 0 ? "background (false)" : "concept (true)";
            throw new ProbeDataException(
                $"labels: all {counts.Concept + counts.Background} rows of {what} are {only}; logistic regression needs both concept and background rows. Check that the examples stage produced both classes.");
        }
        return counts;
    }
}
