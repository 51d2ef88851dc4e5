// `unlearn chat` with a chat template: stories260K with `chat_format: llama2` (its tokenizer has <s> and </s>, which
// is all that format needs), base variant, nothing to build. The conversation must accumulate exactly as
// `unlearn tokenize --chat MESSAGES.json --generation-prompt --chat-format llama2` renders it (an independent
// command), each reply seeded with S + its turn index, /reset starting again at turn 0, and a conversation that
// outgrows the 512 positions dropping its oldest exchanges instead of failing; and the commands around it (/seed, base
// with nothing to toggle, /variant alone, an unknown command).
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.TestStages;

namespace Unlearn.Cli.Tests.Chat;

public sealed class ChatConversationTests : IDisposable
{
    private readonly TestRepository repository = new();

    public ChatConversationTests() => repository.WriteExperiment(TestRepository.Yaml(extra: "chat_format: llama2"));

    public void Dispose() => repository.Dispose();

    private JsonElement[] Chat(string input, params string[] options)
    {
        var result = CliProcess.RunWithInput(input, ["chat", "--experiment", "exp", "--variant", "base", "--root", repository.Root, "--json", "--temperature", "1", .. options]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("format: the llama2 chat template; the conversation accumulates", result.Stderr, StringComparison.Ordinal);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
    }

    private static int[] Ids(JsonElement reply, string name) => reply.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private int[] Rendered(params (string Role, string Content)[] messages)
    {
        var array = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());
        string path = repository.WriteFile("messages.json", array.ToJsonString());
        var result = CliProcess.Run("tokenize", "--tokenizer", repository.ModelFolder, "--chat", path, "--generation-prompt", "--chat-format", "llama2", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    [Fact]
    public void Chat_WithAChatTemplate_AccumulatesTheConversationAndSeedsEachReplyWithSPlusItsTurn()
    {
        var replies = Chat("Hello there\nWhat did the cat do?\n/reset\nHello there\n", "--seed", "5", "--max-tokens", "12");

        Assert.Equal(3, replies.Length);
        Assert.Equal([0, 1, 0], replies.Select(r => r.GetProperty("turn").GetInt32()));
        Assert.Equal([5UL, 6UL, 5UL], replies.Select(r => r.GetProperty("seed").GetUInt64()));
        Assert.Equal(Rendered(("user", "Hello there")), Ids(replies[0], "prompt_ids"));
        string first = replies[0].GetProperty("text").GetString()!;
        Assert.Equal(Rendered(("user", "Hello there"), ("assistant", first), ("user", "What did the cat do?")), Ids(replies[1], "prompt_ids"));
        Assert.Equal(Ids(replies[0], "prompt_ids"), Ids(replies[2], "prompt_ids"));
        Assert.Equal(Ids(replies[0], "new_ids"), Ids(replies[2], "new_ids"));
    }

    [Fact]
    public void Chat_WhenTheConversationOutgrowsTheContext_DropsTheOldestExchangesAndGoesOn()
    {
        const int MaxTokens = 100;
        string message = string.Concat(Enumerable.Repeat("the little dog ran to the big park. ", 12));
        string tooLong = string.Concat(Enumerable.Repeat("the little dog ran to the big park. ", 80));

        var replies = Chat(string.Join("\n", Enumerable.Repeat(message, 4).Append(tooLong).Append(message)) + "\n", "--max-tokens", MaxTokens.ToString());

        Assert.Equal(5, replies.Length);
        Assert.Contains(replies, r => r.GetProperty("dropped_turns").GetInt32() > 0);
        Assert.All(replies, r => Assert.True(Ids(r, "prompt_ids").Length + MaxTokens <= 512, $"{Ids(r, "prompt_ids").Length} prompt tokens leave no room for {MaxTokens}"));
        Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.GetProperty("turn").GetInt32()));
    }

    [Fact]
    public void Chat_MessageLongerThanTheContext_IsRefusedWithANoticeAndTheChatGoesOn()
    {
        string tooLong = string.Concat(Enumerable.Repeat("the little dog ran to the big park. ", 80));
        var result = CliProcess.RunWithInput(tooLong + "\nHello\n", "chat", "--experiment", "exp", "--variant", "base", "--root", repository.Root, "--json", "--max-tokens", "4");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("the model takes 512 positions: shorten it", result.Stderr, StringComparison.Ordinal);
        using var reply = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0, reply.RootElement.GetProperty("turn").GetInt32());
    }

    [Fact]
    public void Chat_BaseVariant_HasNothingToToggle_AndSeedSetsTheSeedOfTheNextReplies()
    {
        var result = CliProcess.RunWithInput("/ablate\n/seed 9\nHello\nHi\n/seed x\n/variant\n/nope\n", "chat", "--experiment", "exp", "--variant", "base", "--root", repository.Root, "--json", "--max-tokens", "4");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("the variant is base: there are no edits to toggle", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("/seed needs a whole number ≥ 0 (got 'x')", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("variant: base (edits on); variants: base, concept,", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("unknown command '/nope'", result.Stderr, StringComparison.Ordinal);
        var seeds = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("seed").GetUInt64());
        Assert.Equal([9UL, 10UL], seeds);
    }
}
