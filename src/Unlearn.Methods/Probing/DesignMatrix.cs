// The solver's view of the data: a column-major float copy of row-major rows [rowCount, featureCount],
// optionally standardised on the way in, with an optional last column of ones for the intercept
// (liblinear's bias feature with intercept_scaling 1). Column-major because the coordinate-descent loops
// sweep one column at a time. Values stay float (half the memory traffic of double); the kernels
// accumulate in double. Not a general matrix type.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unlearn.Methods.Probing;

public sealed class DesignMatrix
{
    // 64 × 64 tiles: the tile's 64 source row segments and 64 destination column segments (16 KB each) stay in L1.
    private const int TileRows = 64;
    private const int TileColumns = 64;

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
    /// value with <paramref name="standardizer"/> when one is given (the same value <see cref="Standardizer.Apply"/> gives).
    /// </summary>
    public static DesignMatrix FromRows(
        ReadOnlySpan<float> rows, int rowCount, int featureCount, bool addIntercept = true, Standardizer? standardizer = null)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        return FromRows(rows, featureCount, null, addIntercept, standardizer);
    }

    /// <summary>As above, for the rows listed in <paramref name="rowIndices"/> (all rows when null), in that order.</summary>
    internal static DesignMatrix FromRows(
        ReadOnlySpan<float> rows, int featureCount, int[]? rowIndices, bool addIntercept, Standardizer? standardizer)
    {
        int rowCount = rowIndices?.Length ?? rows.Length / featureCount;
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
        for (int r = 0; r < rowCount; r++)
        {
            int row = rowIndices?[r] ?? r;
            ProbeInput.CheckFinite(rows.Slice(row * featureCount, featureCount), row, "rows");
        }

        // Every element is written below, so the 245 MB of a 20,000 × 3,072 matrix need not be zeroed first.
        float[] values = GC.AllocateUninitializedArray<float>((int)total);
        Transpose(rows, featureCount, rowIndices, rowCount, standardizer, values);
        if (addIntercept)
        {
            values.AsSpan(featureCount * rowCount, rowCount).Fill(1f);
        }
        return new DesignMatrix(values, rowCount, featureCount, addIntercept);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(
        ReadOnlySpan<float> rows, int featureCount, int[]? rowIndices, int rowCount, Standardizer? standardizer, float[] values)
    {
        Span<int> offsets = stackalloc int[TileRows];
        ReadOnlySpan<double> means = standardizer is null ? default : standardizer.MeanValues;
        ReadOnlySpan<double> inverses = standardizer is null ? default : standardizer.InverseDeviations;
        ref float source = ref MemoryMarshal.GetReference(rows);
        ref float destination = ref MemoryMarshal.GetArrayDataReference(values);
        for (int tileRow = 0; tileRow < rowCount; tileRow += TileRows)
        {
            int height = Math.Min(TileRows, rowCount - tileRow);
            for (int t = 0; t < height; t++)
            {
                offsets[t] = (rowIndices?[tileRow + t] ?? tileRow + t) * featureCount;
            }
            for (int tileColumn = 0; tileColumn < featureCount; tileColumn += TileColumns)
            {
                int width = Math.Min(TileColumns, featureCount - tileColumn);
                for (int j = tileColumn; j < tileColumn + width; j++)
                {
                    ref float column = ref Unsafe.Add(ref destination, (nint)j * rowCount + tileRow);
                    if (standardizer is null)
                    {
                        for (int t = 0; t < height; t++)
                        {
                            Unsafe.Add(ref column, t) = Unsafe.Add(ref source, offsets[t] + j);
                        }
                    }
                    else if (inverses[j] == 0)
                    {
                        MemoryMarshal.CreateSpan(ref column, height).Clear();
                    }
                    else
                    {
                        double mean = means[j], inverse = inverses[j];
                        for (int t = 0; t < height; t++)
                        {
                            Unsafe.Add(ref column, t) = (float)((Unsafe.Add(ref source, offsets[t] + j) - mean) * inverse);
                        }
                    }
                }
            }
        }
    }
}
