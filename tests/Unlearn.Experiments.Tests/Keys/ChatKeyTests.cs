// chat_format and chat_date in the content keys of the stages that render chat (BuildExamples, Repair, Evaluate):
// the date counts only where a rendering can use it (llama3.1, or auto, which may resolve to llama3.1), the default
// is a fixed date, and a date not written as the templates write it is refused with its location.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Stages;
using Unlearn.Experiments.Tests.Loading;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Keys;

public sealed class ChatKeyTests : LoaderTestBase
{
    private static readonly IStage[] ChatStages = [new BuildExamplesStage(), new RepairStage(), new EvaluateStage()];

    private static string Yaml(string chat) => TestRepository.Yaml(extra: chat)
        .Replace("repair:\n  enabled: false", "repair:\n  generate:\n    prompts: [Once upon a time]", StringComparison.Ordinal);

    private string KeyText(IStage stage, string chat) =>
        CanonicalKey(stage.KeySection(Load(Yaml(chat)).Config));

    private static string CanonicalKey(System.Text.Json.Nodes.JsonNode node) => node.ToJsonString();

    [Theory]
    [InlineData("chat_format: llama3.1")]
    [InlineData("chat_format: auto")]
    [InlineData("")]
    public void KeySection_DatedFormat_ChangesWithChatDate(string format)
    {
        foreach (var stage in ChatStages)
        {
            var first = KeyText(stage, $"{format}\nchat_date: 26 Jul 2024");
            var second = KeyText(stage, $"{format}\nchat_date: 01 Jan 2025");
            Assert.NotEqual(first, second);
            Assert.Contains("\"chat_date\":\"01 Jan 2025\"", second);
        }
    }

    [Theory]
    [InlineData("chat_format: llama3")]
    [InlineData("chat_format: chatml")]
    [InlineData("chat_format: chatml-plain")]
    [InlineData("chat_format: llama2")]
    [InlineData("chat_format: plain")]
    public void KeySection_FormatWithoutDate_IgnoresChatDate(string format)
    {
        foreach (var stage in ChatStages)
        {
            Assert.Equal(KeyText(stage, $"{format}\nchat_date: 26 Jul 2024"), KeyText(stage, $"{format}\nchat_date: 01 Jan 2025"));
            Assert.DoesNotContain("chat_date", KeyText(stage, format));
        }
    }

    [Fact]
    public void KeySection_DefaultDate_IsTheTemplatesFallbackWrittenOrNot()
    {
        Assert.Equal("26 Jul 2024", new ExperimentConfig().ChatDate);
        foreach (var stage in ChatStages)
        {
            Assert.Equal(KeyText(stage, "chat_format: llama3.1"), KeyText(stage, "chat_format: llama3.1\nchat_date: 26 Jul 2024"));
        }
    }

    [Fact]
    public void KeySection_Llama30AgainstLlama31_Differ()
    {
        foreach (var stage in ChatStages)
        {
            Assert.NotEqual(KeyText(stage, "chat_format: llama3"), KeyText(stage, "chat_format: llama3.1"));
        }
    }

    [Fact]
    public void KeySection_StagesThatRenderNoChat_IgnoreChatSettings()
    {
        var config = Load(Yaml("chat_format: llama3.1\nchat_date: 01 Jan 2025")).Config;
        foreach (var stage in new IStage[] { new CacheActivationsStage(), new SaliencyStage(), new PruneVocabStage() })
        {
            Assert.DoesNotContain("chat_", stage.KeySection(config).ToJsonString());
        }
    }

    [Fact]
    public void Template_Llama31WithChatDate_IsWhatStagesRenderWith()
    {
        var config = Load(Yaml("chat_format: llama3.1\nchat_date: 01 Jan 2025")).Config;
        var tokenizer = Tokenizers.Tokenizer.Load(Repository.ModelFolder);

        var template = StageModel.Template(config, tokenizer);
        var text = tokenizer.RenderChat([Tokenizers.Chat.ChatMessage.User("Hi")], addGenerationPrompt: true, template).Text;

        Assert.Equal(Tokenizers.Chat.ChatFormat.Llama31, template.Format);
        Assert.Contains("Cutting Knowledge Date: December 2023\nToday Date: 01 Jan 2025\n\n<|eot_id|>", text);
        Assert.Equal(tokenizer.Encode(text, addSpecialTokens: false), StageModel.ChatPrompt(config, tokenizer, "Hi"));
        Assert.Equal(Tokenizers.Chat.ChatFormat.Plain, StageModel.Template(Load(Yaml("")).Config, tokenizer).Format);
    }

    [Theory]
    [InlineData("2024-07-26")]
    [InlineData("1 Jan 2025")]
    [InlineData("31 Feb 2025")]
    public void Load_ChatDateNotInTheTemplatesForm_ReportsTheLine(string date)
    {
        var yaml = Yaml($"chat_format: llama3.1\nchat_date: {date}");

        var error = Single(Errors(yaml), DiagnosticCodes.OutOfRange);

        Assert.Equal("chat_date", error.FieldPath);
        Assert.Equal(Array.FindIndex(yaml.Split('\n'), l => l.StartsWith("chat_date", StringComparison.Ordinal)) + 1, error.Line);
        Assert.Contains("26 Jul 2024", error.Message);
    }

    [Fact]
    public void KeyJson_ChatDate_IsATopLevelKey()
    {
        Assert.NotNull(ExperimentSchema.Root.Find("chat_date"));
        Assert.Equal("26 Jul 2024", KeyJson.Of(new ExperimentConfig(), "chat_date")["chat_date"]!.GetValue<string>());
    }
}
