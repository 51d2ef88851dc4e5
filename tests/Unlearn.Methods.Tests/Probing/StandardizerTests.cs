// Population standardisation per column, zero-variance columns, and the column-major design matrix.
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class StandardizerTests
{
    [Fact]
    public void Fit_KnownColumns_GivesPopulationMeanAndStd()
    {
        // Columns [1, 2, 3, 4] and [10, 10, 30, 30]: means 2.5 and 20, population std √1.25 and 10.
        float[] rows = [1, 10, 2, 10, 3, 30, 4, 30];
        var standardizer = Standardizer.Fit(rows, 4, 2);

        Assert.Equal([2.5, 20.0], standardizer.Means);
        Assert.Equal(Math.Sqrt(1.25), standardizer.StandardDeviations[0], 15);
        Assert.Equal(10.0, standardizer.StandardDeviations[1], 15);
    }

    [Fact]
    public void Transform_GoldenData_HasZeroMeanAndUnitPopulationVariance()
    {
        LogRegDataset data = LogRegGoldens.Standardized("small.npz");
        double worst = 0;
        for (int j = 0; j < data.FeatureCount; j++)
        {
            double mean = 0, square = 0;
            for (int i = 0; i < data.RowCount; i++)
            {
                mean += data.Rows[i * data.FeatureCount + j];
            }
            mean /= data.RowCount;
            for (int i = 0; i < data.RowCount; i++)
            {
                double d = data.Rows[i * data.FeatureCount + j] - mean;
                square += d * d;
            }
            worst = Math.Max(worst, Math.Max(Math.Abs(mean), Math.Abs(square / data.RowCount - 1)));
        }
        Assert.True(worst <= 1e-6, $"max deviation from mean 0 / variance 1: {worst:E3}");
    }

    [Fact]
    public void Transform_ConstantColumn_BecomesZerosAndIsFlagged()
    {
        float[] rows = [1, 7, 2, 7, 3, 7];
        var standardizer = Standardizer.Fit(rows, 3, 2);
        var output = new float[rows.Length];
        standardizer.Transform(rows, output);

        Assert.True(standardizer.IsConstant(1));
        Assert.False(standardizer.IsConstant(0));
        Assert.Equal([0f, 0f, 0f], new[] { output[1], output[3], output[5] });
        Assert.DoesNotContain(output, float.IsNaN);
    }

    [Fact]
    public void Fit_InfiniteValue_ThrowsNamingRowAndColumn()
    {
        float[] rows = [1, 2, 3, float.PositiveInfinity];
        var error = Assert.Throws<ProbeDataException>(() => Standardizer.Fit(rows, 2, 2));
        Assert.Contains("rows[1, 1]", error.Message);
    }

    [Fact]
    public void DesignMatrix_FromRows_StoresColumnsThenOnesForTheIntercept()
    {
        float[] rows = [1, 2, 3, 4, 5, 6];
        DesignMatrix matrix = DesignMatrix.FromRows(rows, 3, 2, addIntercept: true);

        Assert.Equal([1f, 3f, 5f], matrix.Column(0).ToArray());
        Assert.Equal([2f, 4f, 6f], matrix.Column(1).ToArray());
        Assert.Equal([1f, 1f, 1f], matrix.Column(2).ToArray());
        Assert.Equal(3, matrix.ColumnCount);
    }

    [Fact]
    public void DesignMatrix_WithStandardizer_StoresStandardizedValues()
    {
        LogRegDataset raw = LogRegGoldens.Raw("small.npz");
        LogRegDataset standardized = LogRegGoldens.Standardized("small.npz");
        var standardizer = Standardizer.Fit(raw.Rows, raw.RowCount, raw.FeatureCount);
        DesignMatrix matrix = DesignMatrix.FromRows(raw.Rows, raw.RowCount, raw.FeatureCount, addIntercept: false, standardizer);

        for (int j = 0; j < raw.FeatureCount; j++)
        {
            float[] expected = Enumerable.Range(0, raw.RowCount).Select(i => standardized.Rows[i * raw.FeatureCount + j]).ToArray();
            Assert.Equal(expected, matrix.Column(j).ToArray());
        }
    }

    [Fact]
    public void DesignMatrix_RowSubset_KeepsListedRowsInOrder()
    {
        float[] rows = [0, 10, 1, 11, 2, 12, 3, 13];
        DesignMatrix matrix = DesignMatrix.FromRows(rows, 2, [3, 1], addIntercept: false, standardizer: null);

        Assert.Equal(2, matrix.RowCount);
        Assert.Equal([3f, 1f], matrix.Column(0).ToArray());
        Assert.Equal([13f, 11f], matrix.Column(1).ToArray());
    }
}
