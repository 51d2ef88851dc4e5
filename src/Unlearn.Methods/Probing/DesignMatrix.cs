// The solver's view of the data: a column-major float copy of row-major rows [rowCount, featureCount],
// optionally standardised on the way in, with an optional last column of ones for the intercept
// (liblinear's bias feature with intercept_scaling 1). Column-major because the coordinate-descent loops
// sweep one column at a time. Values stay float (half the memory traffic of double); the kernels
// accumulate in double. Not a general matrix type.
namespace Unlearn.Methods.Probing;

public sealed class DesignMatrix
{
    // 64 rows per tile: the 64 source rows' cache lines stay in L1 while the tile's columns are written.
    private const int TileRows = 64;

    private readonly float[] values;

    private DesignMatrix(float[] values, int rowCount, int featureCount, bool hasIntercept)
    {
        this.values = values;
        RowCount = rowCount;
        FeatureCount = featureCount;
        HasIntercept = hasIntercept;
    }

    public int RowCount { get; }

    /// <summary>Number of features, not counting the intercept column.</summary>
    public int FeatureCount { get; }

    /// <summary>True when the last column is the constant 1 of the intercept.</summary>
    public bool HasIntercept { get; }

    internal int ColumnCount => FeatureCount + (HasIntercept ? 1 : 0);

    /// <summary>Column <paramref name="column"/> (features first, then the intercept column).</summary>
    internal ReadOnlySpan<float> Column(int column) => values.AsSpan(column * RowCount, RowCount);

    /// <summary>
    /// Copies row-major float rows [rowCount, featureCount] into column-major form, standardising each
    /// value with <paramref name="standardizer"/> when one is given.
    /// </summary>
    public static DesignMatrix FromRows(
        ReadOnlySpan<float> rows, int rowCount, int featureCount, bool addIntercept = true, Standardizer? standardizer = null)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        return FromRows(rows, featureCount, ReadOnlySpan<int>.Empty, addIntercept, standardizer);
    }

    /// <summary>As above, for the rows listed in <paramref name="rowIndices"/> (all rows when empty), in that order.</summary>
    internal static DesignMatrix FromRows(
        ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<int> rowIndices, bool addIntercept, Standardizer? standardizer)
    {
        int rowCount = rowIndices.IsEmpty ? rows.Length / featureCount : rowIndices.Length;
        if (standardizer is not null && standardizer.FeatureCount != featureCount)
        {
            throw new ProbeDataException($"standardizer: fitted on {standardizer.FeatureCount} features but the rows have {featureCount}.");
        }
        int columnCount = featureCount + (addIntercept ? 1 : 0);
        long total = (long)columnCount * rowCount;
        if (total > Array.MaxLength)
        {
            throw new ProbeDataException(
                $"rows: {rowCount} rows × {columnCount} columns = {total} values exceeds the {Array.MaxLength} a design matrix can hold; subsample the rows or fit fewer features at once.");
        }
        var values = new float[total];
        for (int tileStart = 0; tileStart < rowCount; tileStart += TileRows)
        {
            int tileEnd = Math.Min(tileStart + TileRows, rowCount);
            for (int j = 0; j < featureCount; j++)
            {
                int destination = j * rowCount;
                for (int r = tileStart; r < tileEnd; r++)
                {
                    int row = rowIndices.IsEmpty ? r : rowIndices[r];
                    float value = rows[row * featureCount + j];
                    if (!float.IsFinite(value))
                    {
                        throw new ProbeDataException($"rows[{row}, {j}] is {value}; activations must be finite. Check the activation cache for overflow.");
                    }
                    values[destination + r] = standardizer is null ? value : standardizer.Apply(j, value);
                }
            }
        }
        if (addIntercept)
        {
            values.AsSpan(featureCount * rowCount, rowCount).Fill(1f);
        }
        return new DesignMatrix(values, rowCount, featureCount, addIntercept);
    }
}
