// The deterministic synthetic probe problem of the logreg comparison: rows × features Gaussian
// "activations" with correlated blocks of 32 columns (within-block correlation 0.36), per-column scale and
// offset (so standardising matters), a sparse true weight vector (48 non-zeros), and labels drawn from the
// logistic model. Generated here and handed to Python as .npy, so both sides fit identical bits.
namespace Unlearn.Benchmarks;

internal static class LogRegSyntheticData
{
    private const int BlockWidth = 32;
    private const int TrueNonZeros = 48;

    public static (float[] Rows, bool[] Labels) Generate(int rowCount, int featureCount, ulong seed)
    {
        var random = new SplitMix64(seed);
        var scale = new double[featureCount];
        var offset = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            scale[j] = 0.5 + 1.5 * random.NextDouble();
            offset[j] = 2 * random.NextDouble() - 1;
        }
        var trueWeights = new double[featureCount];
        int[] columns = Enumerable.Range(0, featureCount).ToArray();
        for (int k = featureCount - 1; k > 0; k--)
        {
            int pick = (int)(random.NextDouble() * (k + 1));
            (columns[k], columns[pick]) = (columns[pick], columns[k]);
        }
        for (int k = 0; k < Math.Min(TrueNonZeros, featureCount); k++)
        {
            double magnitude = 0.2 + 0.3 * random.NextDouble();
            trueWeights[columns[k]] = random.NextDouble() < 0.5 ? -magnitude : magnitude;
        }

        var rows = new float[(long)rowCount * featureCount];
        var labels = new bool[rowCount];
        for (int i = 0; i < rowCount; i++)
        {
            double logit = 0.3;
            double shared = 0;
            for (int j = 0; j < featureCount; j++)
            {
                if (j % BlockWidth == 0)
                {
                    shared = random.NextGaussian();
                }
                double unit = 0.6 * shared + 0.8 * random.NextGaussian();
                logit += trueWeights[j] * unit;
                rows[(long)i * featureCount + j] = (float)(unit * scale[j] + offset[j]);
            }
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
        }
        return (rows, labels);
    }

    private struct SplitMix64(ulong seed)
    {
        private ulong state = seed;

        public ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Standard normal by the Box–Muller transform (one of the pair; simple beats fast here).</summary>
        public double NextGaussian()
        {
            double u1 = 1 - NextDouble(), u2 = NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}
