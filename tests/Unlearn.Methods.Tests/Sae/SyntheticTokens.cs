// Tokens with a known sparse structure for SAE training tests: each row is a sum of 3 of 24 fixed unit directions with
// positive weights, plus an offset and a little noise, so a TopK SAE with enough latents can reconstruct it well.
using Unlearn.Methods.Sae;

namespace Unlearn.Methods.Tests.Sae;

internal static class SyntheticTokens
{
    public const int Width = 12;

    public static InMemoryTokenSource Create(int rows, int seed = 7)
    {
        var random = new Random(seed);
        const int Directions = 24;
        var directions = new double[Directions * Width];
        for (int f = 0; f < Directions; f++)
        {
            double norm = 0;
            for (int c = 0; c < Width; c++)
            {
                double v = random.NextDouble() * 2 - 1;
                directions[f * Width + c] = v;
                norm += v * v;
            }
            for (int c = 0; c < Width; c++)
            {
                directions[f * Width + c] /= Math.Sqrt(norm);
            }
        }
        var values = new float[rows * Width];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 3; j++)
            {
                int f = random.Next(Directions);
                double weight = 0.5 + 2 * random.NextDouble();
                for (int c = 0; c < Width; c++)
                {
                    values[r * Width + c] += (float)(weight * directions[f * Width + c]);
                }
            }
            for (int c = 0; c < Width; c++)
            {
                values[r * Width + c] += (float)(0.3 + 0.02 * (random.NextDouble() - 0.5));
            }
        }
        return new InMemoryTokenSource(values, Width);
    }
}
