// <ValidateExperiment Goal="Evaluate"/>: the check a build makes once, before its first stage: the experiment file, every
// file it names and what they hold (evaluation data, tokenizer, dataset rows) as far as the stages up to the goal read
// them, and every input those stages hash. A missing evaluation file thus fails the build in seconds, not after the
// stages before Evaluate have computed.
using Microsoft.Build.Framework;
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class ValidateExperiment : UnlearnTask
{
    /// <summary>The public target being built (the last stage of the chain).</summary>
    [Required]
    public string Goal { get; set; } = "";

    protected override bool Run()
    {
        var graph = ExperimentGraph.Open(Options(Goal) with { Purpose = GraphPurpose.Validate });
        graph.CheckInputs(Goal);
        Log.LogMessage(MessageImportance.Normal, "{0}", $"{graph.Config.Name}: checked the experiment and every input up to {Goal}");
        return true;
    }
}
