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

    public static void CheckLabels(ReadOnlySpan<bool> labels, int rowCount)
    {
        if (labels.Length != rowCount)
        {
            throw new ProbeDataException($"labels: {labels.Length} labels for {rowCount} rows; give exactly one label (true = concept) per row.");
        }
    }

    /// <summary>Counts (concept, background) among the selected rows (all rows when <paramref name="rowIndices"/> is empty).</summary>
    public static (int Concept, int Background) CountClasses(ReadOnlySpan<bool> labels, ReadOnlySpan<int> rowIndices)
    {
        int concept = 0, total = rowIndices.IsEmpty ? labels.Length : rowIndices.Length;
        if (rowIndices.IsEmpty)
        {
            foreach (bool label in labels)
            {
                concept += label ? 1 : 0;
            }
        }
        else
        {
            foreach (int row in rowIndices)
            {
                concept += labels[row] ? 1 : 0;
            }
        }
        return (concept, total - concept);
    }

    /// <summary>Throws unless both classes occur among the selected rows.</summary>
    public static (int Concept, int Background) RequireBothClasses(ReadOnlySpan<bool> labels, ReadOnlySpan<int> rowIndices, string what)
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
