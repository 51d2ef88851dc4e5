// A model variant to score: the base model plus the edits and adapters of some stage (concept-pruned, hybrid,
// hybrid+repair, …), given as the ForwardOptions that apply them. The name is how the variant appears in
// metrics.json, reports and `expect:` keys ("hybrid+repair.perplexity_ratio").
using System.Text.RegularExpressions;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation;

public sealed record EvaluationVariant
{
    public EvaluationVariant(string name, ForwardOptions options)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"Variant name '{name}' is not allowed: use letters, digits and + - _ (no dots or spaces: 'variant.metric' keys split at the dot).");
        }
        Name = name;
        Options = options;
    }

    public string Name { get; }

    public ForwardOptions Options { get; }

    /// <summary>
    /// The weights this variant runs on instead of the evaluator's model (same shape and vocabulary), or null. Used where
    /// an edit cannot be expressed as ForwardOptions, e.g. repair with keep_masks: false, whose pruned rows are zeroed in
    /// the base weights only. The caller owns and disposes it.
    /// </summary>
    public IModelRuntime? Model { get; init; }

    public static bool IsValidName(string name) => Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9+_-]*$");
}

/// <summary>The concept being suppressed: its terms (whole-word matches in text) and its vocabulary token set (the
/// ids PruneVocab removes), whose probability is the target mass.</summary>
public sealed record ConceptSpec(IReadOnlyList<string> Terms, IReadOnlyCollection<int> TokenIds);
