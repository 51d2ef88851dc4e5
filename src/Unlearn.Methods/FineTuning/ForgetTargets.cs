// Targets of the forget objective (masked-LoRA unlearning done right, METHODS.md): every forget prompt is answered with
// a fixed string (default "FORGOTTEN"), or — with ReplaceTerms, for a model that tells stories rather than answers —
// with the base model's own greedy answer in which every whole-word occurrence of a concept form is replaced by the
// target (the seed's "[FORGOTTEN]" substitution, seeds-spec B.10 variant 2, with word matching instead of its
// capitalised-run regex); every retain prompt keeps the base model's own greedy answer (with the same replacement,
// so no retain example teaches the concept), generated once with the chat format (self-distillation anchors general
// behaviour). The forget/retain decision is explicit — by the
// list a prompt is in, never by inspecting an answer — and recorded on each conversation (Kind). Prompts are rendered
// with the same chat format for target generation and for training; in the plain format the answer continues the
// prompt text directly, as the retain answers were generated.
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.FineTuning;

public sealed record ForgetSettings
{
    public const string DefaultTargetAnswer = "FORGOTTEN";

    /// <summary>Prompts whose answer must become <see cref="TargetAnswer"/>.</summary>
    public required IReadOnlyList<string> ForgetPrompts { get; init; }

    /// <summary>Prompts whose answer must stay the base model's own.</summary>
    public IReadOnlyList<string> RetainPrompts { get; init; } = [];

    public string TargetAnswer { get; init; } = DefaultTargetAnswer;

    /// <summary>An optional system turn before every prompt (chat formats only).</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Length limit of the retain answers (greedy, stopping at the model's stop ids).</summary>
    public int MaxAnswerTokens { get; init; } = 128;

    /// <summary>When given: forget answers are the base model's greedy answers with every whole-word occurrence of one of
    /// these replaced by <see cref="TargetAnswer"/> (retain answers get the same replacement); null: fixed answers.</summary>
    public IReadOnlyList<string>? ReplaceTerms { get; init; }

    /// <summary>Retain prompts answered together (greedy decoding does not depend on it).</summary>
    public int BatchSize { get; init; } = 16;

    internal void Validate(ChatTemplate template)
    {
        if (ForgetPrompts.Count == 0 || ForgetPrompts.Concat(RetainPrompts).Any(string.IsNullOrWhiteSpace))
        {
            throw new FineTuningException("forget.forget_prompts needs at least one prompt, and no forget or retain prompt may be empty.");
        }
        if (string.IsNullOrWhiteSpace(TargetAnswer))
        {
            throw new FineTuningException("forget.target_answer must not be empty (default \"FORGOTTEN\").");
        }
        if (MaxAnswerTokens < 1 || BatchSize < 1)
        {
            throw new FineTuningException($"forget.max_answer_tokens ({MaxAnswerTokens}) and forget.batch_size ({BatchSize}) must be at least 1.");
        }
        if (SystemPrompt is not null && template.Format == ChatFormat.Plain)
        {
            throw new FineTuningException("forget.system_prompt has no place in the plain chat format (the prompt is continued as text); remove it or use a chat model.");
        }
    }
}

public static class ForgetTargets
{
    /// <summary>Forget conversations (prompt → target answer), then retain conversations (prompt → base greedy answer).</summary>
    /// <param name="forward">what the retain answers are generated with; default the base model as loaded (no edits)</param>
    public static IReadOnlyList<Conversation> Build(
        PretrainedModel model, ForgetSettings settings, ChatTemplate? template = null, ForwardOptions? forward = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var tokenizer = model.RequireTokenizer();
        template ??= tokenizer.ResolveChatTemplate();
        settings.Validate(template);
        bool plain = template.Format == ChatFormat.Plain;
        var stopIds = model.StopIds;
        int? plainEnd = tokenizer.EosId is int eos && stopIds.Contains(eos) ? eos : stopIds.Count > 0 ? stopIds[0] : null;

        var conversations = new List<Conversation>();
        var replace = settings.ReplaceTerms is { Count: > 0 } terms ? new Text.TermMatcher(terms) : null;
        if (replace is not null)
        {
            conversations.AddRange(GreedyAnswers(model, settings, settings.ForgetPrompts, "forget", ExampleKind.Forget, template, forward, replace, cancellationToken));
            conversations.AddRange(GreedyAnswers(model, settings, settings.RetainPrompts, "retain", ExampleKind.Retain, template, forward, replace, cancellationToken));
            return conversations;
        }
        for (int i = 0; i < settings.ForgetPrompts.Count; i++)
        {
            string prompt = settings.ForgetPrompts[i];
            // In the plain format the answer continues the prompt's text: keep a word boundary between them.
            string answer = plain && !char.IsWhiteSpace(prompt[^1]) ? " " + settings.TargetAnswer : settings.TargetAnswer;
            conversations.Add(new Conversation($"forget:{i}", Turns(settings.SystemPrompt, prompt, answer))
            {
                Kind = ExampleKind.Forget,
                IsContinuation = true,
                EndTokenId = plain ? plainEnd : null,
            });
        }

        conversations.AddRange(GreedyAnswers(model, settings, settings.RetainPrompts, "retain", ExampleKind.Retain, template, forward, null, cancellationToken));
        return conversations;
    }

    /// <summary>The base model's greedy answer to every prompt (in batches), optionally with the concept forms replaced.</summary>
    private static List<Conversation> GreedyAnswers(
        PretrainedModel model, ForgetSettings settings, IReadOnlyList<string> prompts, string source, ExampleKind kind, ChatTemplate template,
        ForwardOptions? forward, Text.TermMatcher? replace, CancellationToken cancellationToken)
    {
        var tokenizer = model.RequireTokenizer();
        var generator = new Generator(model.Runtime, forward);
        var request = new GenerationRequest
        {
            MaxNewTokens = settings.MaxAnswerTokens,
            Sampling = new SamplingSettings { Temperature = 0f },
            StopIds = model.StopIds,
        };
        var conversations = new List<Conversation>(prompts.Count);
        for (int first = 0; first < prompts.Count; first += settings.BatchSize)
        {
            int count = Math.Min(settings.BatchSize, prompts.Count - first);
            var ids = Enumerable.Range(first, count).Select(k =>
            {
                var turns = Turns(settings.SystemPrompt, prompts[k], null);
                return (IReadOnlyList<int>)tokenizer.RenderChat(turns, addGenerationPrompt: true, template).Ids.ToArray();
            }).ToArray();
            var results = generator.Generate(ids, request, cancellationToken: cancellationToken);
            for (int i = 0; i < count; i++)
            {
                int k = first + i;
                var result = results[i];
                string answer = ContinuationSource.ContinuationText(tokenizer, result.PromptIds, result.NewIds);
                if (replace is not null)
                {
                    answer = Replace(answer, replace, settings.TargetAnswer);
                }
                conversations.Add(new Conversation($"{source}:{k}", Turns(settings.SystemPrompt, prompts[k], answer))
                {
                    Kind = kind,
                    IsContinuation = true,
                    EndTokenId = result.StopReason == StopReason.StopToken ? result.StopId : null,
                });
            }
        }
        return conversations;
    }

    /// <summary>Every whole-word match of a concept form replaced by <paramref name="replacement"/>.</summary>
    public static string Replace(string text, Text.TermMatcher forms, string replacement)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        int at = 0;
        foreach (var match in forms.Matches(text))
        {
            builder.Append(text, at, match.Index - at).Append(replacement);
            at = match.Index + match.Length;
        }
        return builder.Append(text, at, text.Length - at).ToString();
    }

    private static List<ChatMessage> Turns(string? system, string prompt, string? answer)
    {
        var turns = new List<ChatMessage>();
        if (system is not null)
        {
            turns.Add(ChatMessage.System(system));
        }
        turns.Add(ChatMessage.User(prompt));
        if (answer is not null)
        {
            turns.Add(ChatMessage.Assistant(answer));
        }
        return turns;
    }
}
