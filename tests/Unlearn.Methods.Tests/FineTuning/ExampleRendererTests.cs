using Unlearn.Methods.FineTuning;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.Tests.FineTuning;

public class ExampleRendererTests
{
    private static readonly Conversation TwoTurns = new("two-turns",
    [
        ChatMessage.User("Hi"),
        ChatMessage.Assistant("Hello there!"),
        ChatMessage.User("Bye?"),
        ChatMessage.Assistant("Bye."),
    ]);

    // The tokens each format's assistant turns consist of, end-of-turn marker included, and nothing else: the
    // strings are the real tokenizers' pieces (Llama 3 and Qwen2.5 byte-level BPE, Llama 2 SentencePiece, whose
    // template writes " {answer} </s>"; stories260K's plain format appends </s> to each answer).
    public static TheoryData<string, ChatFormat, string[]> Formats => new()
    {
        { "llama3", ChatFormat.Llama3, ["Hello", "Ġthere", "!", "<|eot_id|>", "By", "e", ".", "<|eot_id|>"] },
        { "chatml", ChatFormat.ChatMl, ["Hello", "Ġthere", "!", "<|im_end|>", "By", "e", ".", "<|im_end|>"] },
        { "llama2", ChatFormat.Llama2, ["▁Hello", "▁there", "!", "▁", "</s>", "▁By", "e", ".", "▁", "</s>"] },
        { "plain", ChatFormat.Plain, ["H", "e", "ll", "o", "▁there", "!", "</s>", "B", "y", "e", ".", "</s>"] },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Render_EveryChatFormat_LabelsExactlyTheAssistantTokens(string tokenizerName, ChatFormat format, string[] expected)
    {
        var tokenizer = FineTuningFixtures.TokenizerFor(tokenizerName);

        var example = ExampleRenderer.Render(TwoTurns, tokenizer, ChatTemplate.For(format), 1024, out bool truncated);

        Assert.False(truncated);
        var labelled = example.Labels.Where(l => l != TrainingExample.Ignored).Select(id => tokenizer.IdToToken(id)).ToArray();
        Assert.True(expected.SequenceEqual(labelled), $"{format}: [{string.Join(", ", labelled)}]");
        for (int t = 0; t + 1 < example.Length; t++)
        {
            Assert.True(example.Labels[t] == TrainingExample.Ignored || example.Labels[t] == example.Ids[t + 1],
                $"{format}: label {t} is {example.Labels[t]} but the next id is {example.Ids[t + 1]}");
        }
        Assert.Equal(TrainingExample.Ignored, example.Labels[^1]);
    }

    [Fact]
    public void Render_PlainContinuation_IsBosPromptContinuationAndEndToken()
    {
        var tokenizer = FineTuningFixtures.TokenizerFor("plain");
        var conversation = new Conversation("generate:0", [ChatMessage.User("Once upon a time"), ChatMessage.Assistant(" there was a cat.")])
        {
            IsContinuation = true,
            EndTokenId = 1,
        };

        var example = ExampleRenderer.Render(conversation, tokenizer, ChatTemplate.For(ChatFormat.Plain), 1024, out _);

        int[] prompt = [1, .. tokenizer.Encode("Once upon a time", addSpecialTokens: false)];
        int[] whole = [1, .. tokenizer.Encode("Once upon a time there was a cat.", addSpecialTokens: false), 1];
        Assert.Equal(whole, example.Ids);
        Assert.Equal(Enumerable.Repeat(TrainingExample.Ignored, prompt.Length - 1), example.Labels[..(prompt.Length - 1)]);
        Assert.Equal(whole[prompt.Length..], example.Labels[(prompt.Length - 1)..^1]);
        Assert.Equal("Once upon a time there was a cat.", tokenizer.Decode(example.Ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Render_LongerThanMaxLength_CutsTheEndAndLeavesTheLastPositionUnlabelled()
    {
        var tokenizer = FineTuningFixtures.TokenizerFor("llama3");
        var full = ExampleRenderer.Render(TwoTurns, tokenizer, ChatTemplate.For(ChatFormat.Llama3), 1024, out _);
        int cut = full.Length - 3;

        var example = ExampleRenderer.Render(TwoTurns, tokenizer, ChatTemplate.For(ChatFormat.Llama3), cut, out bool truncated);

        Assert.True(truncated);
        Assert.Equal(full.Ids[..cut], example.Ids);
        Assert.Equal(full.Labels[..(cut - 1)], example.Labels[..(cut - 1)]);
        Assert.Equal(TrainingExample.Ignored, example.Labels[^1]);
    }

    [Fact]
    public void RenderAll_AnswerCutOffEntirely_DropsTheExampleAndCountsIt()
    {
        var tokenizer = FineTuningFixtures.TokenizerFor("llama3");
        var longQuestion = new Conversation("long", [ChatMessage.User(string.Join(' ', Enumerable.Repeat("word", 80))), ChatMessage.Assistant("Yes.")]);

        var result = ExampleRenderer.RenderAll([TwoTurns, longQuestion], tokenizer, new RenderSettings { Template = ChatTemplate.For(ChatFormat.Llama3), MaxLength = 60 });

        Assert.Equal(["two-turns"], result.Examples.Select(e => e.Source));
        Assert.Equal(1, result.DroppedWithoutLabels);
        Assert.Equal(1, result.Truncated);
    }

    [Fact]
    public void Render_Llama2WithTwoUserTurnsInARow_ThrowsNamingTheExample()
    {
        var tokenizer = FineTuningFixtures.TokenizerFor("llama2");
        var bad = new Conversation("data.jsonl:7", [ChatMessage.User("a"), ChatMessage.User("b"), ChatMessage.Assistant("c")]);

        var error = Assert.Throws<FineTuningException>(() => ExampleRenderer.Render(bad, tokenizer, ChatTemplate.For(ChatFormat.Llama2), 1024, out _));

        Assert.Contains("data.jsonl:7", error.Message);
    }
}
