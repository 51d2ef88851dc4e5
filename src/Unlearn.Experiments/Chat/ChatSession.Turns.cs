// ChatSession, turns: what the model is given for a message, the reply streamed as text, and the conversation.
//   Chat template: the conversation accumulates (user and assistant turns rendered by the experiment's chat format
//     with the assistant's generation prompt); when it no longer leaves room for a reply the oldest turns are dropped
//     (the reply says how many).
//   Plain (a base model): every message is a fresh continuation, encoded exactly as `unlearn generate --experiment`
//     encodes --prompt, so a reply equals that command's text for the same prompt, variant and seed.
//   Seed: a reply's seed is S + its turn index (replies since the start or the last reset; 0 for every plain
//     continuation), whichever variant is active, so both sides of the toggle sample from the same stream at the same
//     point of a conversation and differ only by the edits.
using System.Text;
using Unlearn.Experiments.Variants;
using Unlearn.Models.Generation;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Experiments.Chat;

/// <param name="Variant">The variant that answered.</param>
/// <param name="Turn">The reply's turn index (0 for a plain continuation).</param>
/// <param name="NewIds">The reply's tokens (the stop token not included).</param>
/// <param name="Text">The reply decoded on its own, as `unlearn generate --json` prints "text".</param>
/// <param name="StopReason">Why it ended; null when it was cancelled.</param>
/// <param name="DroppedTurns">Oldest exchanges dropped from the conversation to make room for this reply.</param>
public sealed record ChatReply(
    string Variant, int Turn, ulong Seed, IReadOnlyList<int> PromptIds, IReadOnlyList<int> NewIds, string Text, StopReason? StopReason, int DroppedTurns)
{
    public bool Cancelled => StopReason is null;
}

/// <summary>A message that cannot be answered (too long for the model's context); the session is unchanged.</summary>
public sealed class ChatTurnException(string message) : Exception(message);

public sealed partial class ChatSession
{
    private readonly List<ChatMessage> _history = [];
    private int _turn;

    /// <summary>Exchanges (message and reply) the conversation holds; always 0 for plain continuation.</summary>
    public int HistoryTurns => _history.Count / 2;

    /// <summary>The seed of the next reply: S + turn index.</summary>
    public ulong NextSeed => Settings.Seed + (ulong)(IsConversation ? _turn : 0);

    /// <summary>Forgets the conversation; the next reply is turn 0 again.</summary>
    public void Reset()
    {
        _history.Clear();
        _turn = 0;
    }

    /// <summary>Answers <paramref name="message"/> with the active variant, giving each piece of text to
    /// <paramref name="onText"/> as soon as it is complete. A cancelled reply leaves the conversation as it was.</summary>
    /// <exception cref="ChatTurnException">The message alone does not fit the model's context.</exception>
    public ChatReply Reply(string message, Action<string>? onText = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (ids, dropped) = PromptFor(message);
        var request = new GenerationRequest
        {
            MaxNewTokens = Math.Min(Settings.MaxNewTokens, MaxPositions - ids.Length),
            Sampling = Settings.Sampling,
            Seed = NextSeed,
            StopIds = _model.StopIds,
        };
        var variant = _resolved[ActiveVariant];
        var generator = new Generator(variant.Model ?? _model.Runtime, variant.Options);
        // The prompt goes through the decoder unprinted so the reply's first piece keeps its leading space.
        var decoder = _tokenizer.CreateIncrementalDecoder(skipSpecialTokens: true);
        foreach (var id in ids)
        {
            decoder.Push(id);
        }
        var newIds = new List<int>();
        StopReason? stop = null;
        try
        {
            stop = generator.Generate([ids], request, token =>
            {
                newIds.Add(token.TokenId);
                Emit(onText, decoder.Push(token.TokenId));
            }, cancellationToken)[0].StopReason;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        Emit(onText, decoder.Flush());
        var reply = new ChatReply(ActiveVariant, IsConversation ? _turn : 0, request.Seed, ids, newIds.ToArray(),
            _tokenizer.Decode(newIds, skipSpecialTokens: true), stop, dropped);
        if (stop is not null && IsConversation)
        {
            _history.RemoveRange(0, 2 * dropped);
            _history.Add(ChatMessage.User(message));
            _history.Add(ChatMessage.Assistant(reply.Text));
            _turn++;
        }
        return reply;
    }

    private static void Emit(Action<string>? onText, string piece)
    {
        if (piece.Length > 0)
        {
            onText?.Invoke(piece);
        }
    }

    /// <summary>The ids for the message and how many of the oldest exchanges had to go to leave room for a reply of
    /// Settings.MaxNewTokens (the fewest that do; all of them when even that is not enough).</summary>
    private (int[] Ids, int Dropped) PromptFor(string message)
    {
        if (!IsConversation)
        {
            return (Fit(VariantSession.Encode(Config, _tokenizer, message)), 0);
        }
        int exchanges = HistoryTurns;
        for (int dropped = 0; ; dropped++)
        {
            var messages = new List<ChatMessage>(_history.Skip(2 * dropped)) { ChatMessage.User(message) };
            var ids = _tokenizer.RenderChat(messages, addGenerationPrompt: true, _template).Ids.ToArray();
            if (ids.Length + Settings.MaxNewTokens <= MaxPositions || dropped == exchanges)
            {
                return (Fit(ids), dropped);
            }
        }
    }

    private int[] Fit(int[] ids) => ids.Length < MaxPositions ? ids
        : throw new ChatTurnException($"The message is {ids.Length} tokens as the model sees it, and the model takes {MaxPositions} positions: shorten it.");
}
