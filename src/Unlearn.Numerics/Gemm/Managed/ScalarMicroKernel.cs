// Scalar 4×4 micro-kernel: the fallback when no hardware vectors are available, and the reference the
// vector kernels are tested against bit for bit (same fused multiply-add chain per element). Not fast.
namespace Unlearn.Numerics.Gemm.Managed;

internal readonly struct ScalarMicroKernel : IMicroKernel
{
    private const int RowCount = 4;
    private const int ColumnCount = 4;

    public static int Rows => RowCount;

    public static int Columns => ColumnCount;

    public static string Name => "scalar 4x4";

    public static unsafe void Run(float* a, float* b, int depth, float alpha, float beta, bool overwrite, float* c, int ldc)
    {
        float* acc = stackalloc float[RowCount * ColumnCount];
        for (int i = 0; i < RowCount * ColumnCount; i++)
        {
            acc[i] = 0f;
        }
        for (int p = 0; p < depth; p++)
        {
            for (int r = 0; r < RowCount; r++)
            {
                float ar = a[p * RowCount + r];
                for (int j = 0; j < ColumnCount; j++)
                {
                    acc[r * ColumnCount + j] = MathF.FusedMultiplyAdd(ar, b[p * ColumnCount + j], acc[r * ColumnCount + j]);
                }
            }
        }
        for (int r = 0; r < RowCount; r++)
        {
            for (int j = 0; j < ColumnCount; j++)
            {
                ref float target = ref c[r * ldc + j];
                target = Update(acc[r * ColumnCount + j], alpha, beta, overwrite, target);
            }
        }
    }

    /// <summary>The update every kernel applies to one element; edge tiles use it directly.</summary>
    public static float Update(float acc, float alpha, float beta, bool overwrite, float previous)
        => overwrite ? alpha * acc : MathF.FusedMultiplyAdd(alpha, acc, beta * previous);
}
