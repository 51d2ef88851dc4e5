// `unlearn bench --estimate EXPERIMENT.yaml`: the measured throughput turned into a per-stage time for that experiment
// (StageWorkload, StageTimeEstimate). The model need not be present: the experiment is read without checking files.
using Unlearn.Experiments.Estimates;
using Unlearn.Experiments.Loading;
using Unlearn.Models.Transformer;

namespace Unlearn.Cli.Commands;

internal static partial class BenchCommand
{
    private static void PrintEstimate(string experimentPath, TransformerShape shape, bool fewerLayers, double prefill, double decode)
    {
        var config = ExperimentLoader.Load(experimentPath, new LoadOptions { CheckFiles = false }).Config;
        var gpu = GpuAssumptions.H100;
        var times = StageTimeEstimate.Of(StageWorkload.Of(config), prefill, decode, shape.ParameterCount, gpu);
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine($"Estimated stage times for {config.Name} on this model shape ({shape.ParameterCount / 1e9:F2} B parameters):");
        if (fewerLayers)
        {
            output.WriteLine("  (measured with --layers: the model was smaller than the published one, so the CPU times are too low)");
        }
        output.WriteLine($"  {"Stage",-17} {"CPU (measured rate)",-20} {"GPU (FLOP estimate)",-20} Work");
        foreach (var t in times)
        {
            output.WriteLine($"  {t.Work.Stage,-17} {StageTimeEstimate.Format(t.CpuSeconds),-20} {StageTimeEstimate.Format(t.GpuSeconds),-20} {t.Work.Basis}");
        }
        output.WriteLine($"  {"total",-17} {StageTimeEstimate.Format(times.Sum(t => t.CpuSeconds)),-20} {StageTimeEstimate.Format(times.Sum(t => t.GpuSeconds)),-20}");
        output.WriteLine($"CPU: prefill {prefill:F1} tokens/s and decode {decode:F1} tokens/s as measured above; training at a third of prefill; decode");
        output.WriteLine("  counted one sequence at a time (an upper bound). Stages without a model (Saliency, PruneVocab) take seconds to minutes.");
        output.WriteLine($"GPU: an ESTIMATE from FLOPs and bytes, not a measurement: {gpu.Name}; prefill 2·P and training 6·P FLOPs a token,");
        output.WriteLine("  decode one bf16 weight read per step of a generation batch. Token counts are upper bounds (samples may stop early).");
    }
}
