// The shapes of the "gemm" side-by-side benchmark: square sizes and the products a Llama-3.2-1B/3B-class
// transformer layer issues for 256 prompt tokens or one decode token (modelDim 2048, mlpDim 8192,
// vocabSize 128256). "ᵀ" marks an operand stored transposed, as nn.Linear stores its weight [out, in].
namespace Unlearn.Benchmarks;

internal sealed record GemmShape(string Key, string Label, int M, int N, int K, bool TransposeA, bool TransposeB, bool Heavy = false)
{
    public double Flops => 2.0 * M * N * K;

    public static IReadOnlyList<GemmShape> All { get; } =
    [
        new("512", "512² · 512²", 512, 512, 512, false, false),
        new("1024", "1024² · 1024²", 1024, 1024, 1024, false, false),
        new("2048", "2048² · 2048²", 2048, 2048, 2048, false, false, Heavy: true),
        new("mlp-nn", "256×2048 · 2048×8192", 256, 8192, 2048, false, false),
        new("qo-nt", "256×2048 · (2048×2048)ᵀ", 256, 2048, 2048, false, true),
        new("up-nt", "256×2048 · (8192×2048)ᵀ", 256, 8192, 2048, false, true),
        new("down-nt", "256×8192 · (2048×8192)ᵀ", 256, 2048, 8192, false, true),
        new("decode-nn", "1×2048 · 2048×8192", 1, 8192, 2048, false, false),
        new("decode-nt", "1×2048 · (8192×2048)ᵀ", 1, 8192, 2048, false, true),
        new("lm-head", "256×2048 · (128256×2048)ᵀ", 256, 128256, 2048, false, true, Heavy: true),
    ];

    /// <summary>The argument form bench_gemm.py takes: KEY:M:N:K:TA:TB.</summary>
    public string PythonArgument => $"{Key}:{M}:{N}:{K}:{(TransposeA ? 1 : 0)}:{(TransposeB ? 1 : 0)}";
}
