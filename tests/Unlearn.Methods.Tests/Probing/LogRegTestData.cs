// Small deterministic data sets for the solver and probe behaviour tests (not goldens): Gaussian
// features with a sparse true weight vector and logistic labels, optionally separable.
namespace Unlearn.Methods.Tests.Probing;

public static class LogRegTestData
{
    public static LogRegDataset Gaussian(int rowCount, int featureCount, int seed, bool separable = false, double conceptShare = 0.4)
    {
        var random = new Random(seed);
        var weights = new double[featureCount];
        for (int j = 0; j < Math.Min(5, featureCount); j++)
        {
            weights[(j * 7) % featureCount] = j % 2 == 0 ? 1.5 : -1.0;
        }
        var rows = new float[rowCount * featureCount];
        var labels = new bool[rowCount];
        double bias = Math.Log(conceptShare / (1 - conceptShare));
        for (int i = 0; i < rowCount; i++)
        {
            double logit = bias;
            for (int j = 0; j < featureCount; j++)
            {
                double value = Normal(random);
                rows[i * featureCount + j] = (float)value;
                logit += weights[j] * value;
            }
            labels[i] = separable ? logit > 0 : random.NextDouble() < 1 / (1 + Math.Exp(-logit));
        }
        return new LogRegDataset(rows, rowCount, featureCount, labels);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
