// Kernel: x ← x − u (u · x) for every row of a row-major [rows, width] block, u a unit vector: removes the component
// along u (the orthogonal projection I − u uᵀ). The dot product is accumulated in double, in index order, so the
// result does not depend on how the rows are split across threads. The cost is 2 · width per row, far below the
// projection that produced the row, so there is no vectorised variant to keep beside this reference.
namespace Unlearn.Numerics.Kernels;

public static class DirectionProjection
{
    /// <summary>The Euclidean length of <paramref name="vector"/>, accumulated in double in index order.</summary>
    public static double Length(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (float value in vector)
        {
            sum += (double)value * value;
        }
        return Math.Sqrt(sum);
    }

    /// <summary><paramref name="direction"/> divided by its length (in double), the u the projection takes.</summary>
    /// <exception cref="ArgumentException">A zero or non-finite direction.</exception>
    public static float[] UnitVector(ReadOnlySpan<float> direction)
    {
        double length = Length(direction);
        if (!(length > 0) || !double.IsFinite(length))
        {
            throw new ArgumentException("The direction to remove has zero or non-finite length.", nameof(direction));
        }
        var unit = new float[direction.Length];
        for (int i = 0; i < direction.Length; i++)
        {
            unit[i] = (float)(direction[i] / length);
        }
        return unit;
    }

    /// <param name="rows">[rowCount, unit.Length] row-major, overwritten</param>
    /// <param name="unit">the direction, unit length</param>
    public static void RemoveComponent(Span<float> rows, ReadOnlySpan<float> unit)
    {
        int width = unit.Length;
        if (width == 0 || rows.Length % width != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of width {width}.", nameof(rows));
        }
        for (int start = 0; start < rows.Length; start += width)
        {
            var row = rows.Slice(start, width);
            double along = 0;
            for (int j = 0; j < width; j++)
            {
                along += (double)unit[j] * row[j];
            }
            for (int j = 0; j < width; j++)
            {
                row[j] = (float)(row[j] - along * unit[j]);
            }
        }
    }
}
