// Per-stage time from StageWorkload: on this CPU from measured throughput (`unlearn bench`), and on a GPU as an
// ESTIMATE FROM FLOPs AND BYTES, not a measurement. CPU: prefill tokens at the measured prefill rate, decode tokens at
// the measured single-sequence decode rate (an upper bound: batched sampling shares each weight read), training tokens
// at a third of the prefill rate (backward ≈ 2 × forward). GPU: prefill 2·P FLOPs a token and training 6·P at an
// assumed sustained rate; decode reads the bf16 weights (2·P bytes) once per step of DecodeBatch sequences at an
// assumed sustained bandwidth. The assumptions are named constants, printed beside the numbers.
namespace Unlearn.Experiments.Estimates;

public sealed record GpuAssumptions(string Name, double SustainedFlops, double SustainedBytesPerSecond)
{
    /// <summary>H100 SXM: 989 TFLOP/s dense bf16 and 3.35 TB/s peak; sustained 40 % and 60 % of them.</summary>
    public static GpuAssumptions H100 { get; } = new("H100 (bf16; 40 % of 989 TFLOP/s, 60 % of 3.35 TB/s)", 0.4 * 989e12, 0.6 * 3.35e12);
}

public sealed record StageTime(StageWork Work, double CpuSeconds, double GpuSeconds);

public static class StageTimeEstimate
{
    public static IReadOnlyList<StageTime> Of(IReadOnlyList<StageWork> work, double prefillTokensPerSecond, double decodeTokensPerSecond, long parameters, GpuAssumptions gpu)
    {
        if (prefillTokensPerSecond <= 0 || decodeTokensPerSecond <= 0 || parameters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(prefillTokensPerSecond), "throughputs and the parameter count must be positive.");
        }
        return work.Select(w =>
        {
            double cpu = w.Prefill / prefillTokensPerSecond + w.Decode / decodeTokensPerSecond + 3.0 * w.Train / prefillTokensPerSecond;
            double flops = 2.0 * parameters * (w.Prefill + 3.0 * w.Train);
            double steps = Math.Ceiling((double)w.Decode / Math.Max(1, w.DecodeBatch));
            double gpuSeconds = flops / gpu.SustainedFlops + steps * 2.0 * parameters / gpu.SustainedBytesPerSecond;
            return new StageTime(w, cpu, gpuSeconds);
        }).ToArray();
    }

    /// <summary>"3 h 20 min", "4 min 10 s", "12 s", "< 1 s".</summary>
    public static string Format(double seconds) => seconds switch
    {
        < 1 => "< 1 s",
        < 60 => $"{seconds:F0} s",
        < 3600 => $"{Math.Floor(seconds / 60):F0} min {seconds % 60:F0} s",
        < 86400 * 2 => $"{Math.Floor(seconds / 3600):F0} h {Math.Floor(seconds % 3600 / 60):F0} min",
        _ => $"{seconds / 86400:F1} days",
    };
}
