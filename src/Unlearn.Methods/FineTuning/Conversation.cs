// One training conversation as the fine-tuning code sees it, whatever file or generator it came from: its messages in
// chat roles (system, user, assistant), where it came from (file:line, generate:k, forget:k), and what kind of example
// it is. A conversation knows nothing of tokens: ExampleRenderer turns it into ids and labels for one chat format.
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.FineTuning;

/// <summary>What an example is for; recorded per example and per step so a run can be audited.</summary>
public enum ExampleKind
{
    /// <summary>Supervised repair data (an instruction dataset, or the base model's own samples).</summary>
    Repair,

    /// <summary>Forget objective: a forget prompt answered with the fixed target (e.g. "FORGOTTEN").</summary>
    Forget,

    /// <summary>Forget objective: a retain prompt answered with the base model's own greedy answer.</summary>
    Retain,
}

public sealed record Conversation(string Source, IReadOnlyList<ChatMessage> Messages)
{
    public ExampleKind Kind { get; init; } = ExampleKind.Repair;

    /// <summary>
    /// The assistant turn continues the user turn's text (a sampled continuation of a prompt, a forget/retain target):
    /// in the plain format it is rendered as BOS, prompt, continuation, with no separator, exactly as it was generated.
    /// Chat formats render it as an ordinary user/assistant exchange.
    /// </summary>
    public bool IsContinuation { get; init; }

    /// <summary>For a continuation in the plain format: the token that ended it (the stop id the base model emitted,
    /// e.g. BOS for llama2.c models), trained as the last assistant token; null when the text was cut off.</summary>
    public int? EndTokenId { get; init; }

    /// <summary>Every message's content, in order (what the term filter searches).</summary>
    public IEnumerable<string> Texts => Messages.Select(m => m.Content);
}
