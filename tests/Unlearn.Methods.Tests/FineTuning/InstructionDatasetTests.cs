using Unlearn.Methods.FineTuning;

namespace Unlearn.Methods.Tests.FineTuning;

public class InstructionDatasetTests
{
    [Fact]
    public void Load_ShareGptJsonl_MapsRolesInOrder()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("finetome.jsonl",
            """
            {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}], "source": "x", "score": 4.5}

            {"conversations": [{"from": "human", "value": "2+2?"}, {"from": "gpt", "value": "4"}]}
            """);

        var rows = InstructionDataset.Load(path);

        Assert.Equal(2, rows.Count);
        Assert.Equal(["system", "user", "assistant"], rows[0].Messages.Select(m => m.Role));
        Assert.Equal(["Be brief.", "Hi", "Hello!"], rows[0].Messages.Select(m => m.Content));
        Assert.Equal("finetome.jsonl:1", rows[0].Source);
        Assert.Equal("finetome.jsonl:3", rows[1].Source);
    }

    [Fact]
    public void Load_MessagesJsonArray_ReadsEveryRowWithItsLine()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("chat.json",
            """
            [
              {"messages": [{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Blue."}]},
              {"messages": [{"role": "user", "content": "And another?"}, {"role": "assistant", "content": "Green."}]}
            ]
            """);

        var rows = InstructionDataset.Load(path);

        Assert.Equal(["Blue.", "Green."], rows.Select(r => r.Messages[1].Content));
        Assert.Equal(["chat.json:2", "chat.json:3"], rows.Select(r => r.Source));
    }

    [Fact]
    public void Load_AlpacaWithInput_PutsInstructionThenInputInTheUserTurn()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("alpaca.jsonl",
            """
            {"instruction": "Translate to French.", "input": "cat", "output": "chat"}
            {"instruction": "Say hi.", "input": "", "output": "Hi."}
            """);

        var rows = InstructionDataset.Load(path);

        Assert.Equal("Translate to French.\n\ncat", rows[0].Messages[0].Content);
        Assert.Equal("Say hi.", rows[1].Messages[0].Content);
        Assert.Equal(["user", "assistant"], rows[1].Messages.Select(m => m.Role));
    }

    [Fact]
    public void Load_ShareGptTurnWithoutFrom_ThrowsNamingFileLineAndField()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("bad.jsonl",
            """
            {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}
            {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}
            {"conversations": [{"from": "human", "value": "a"}, {"value": "b"}]}
            """);

        var error = Assert.Throws<DatasetFormatException>(() => InstructionDataset.Load(path));

        Assert.Equal(3, error.Line);
        Assert.Equal("conversations[1].from", error.Field);
        Assert.StartsWith($"{path}:3: conversations[1].from: missing", error.Message);
    }

    [Fact]
    public void Load_JsonArrayElementWithNumberOutput_ThrowsNamingLineAndPath()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("bad.json",
            """
            [
              {"instruction": "a", "output": "b"},
              {"instruction": "a",
               "output": 7}
            ]
            """);

        var error = Assert.Throws<DatasetFormatException>(() => InstructionDataset.Load(path));

        Assert.Equal(3, error.Line);
        Assert.Equal("[1].output", error.Field);
        Assert.Contains("expected a string, found Number", error.Message);
    }

    [Fact]
    public void Load_LineThatIsNotJson_ThrowsNamingTheLine()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("broken.jsonl", "{\"messages\": []}\n{\"messages\": [\n");

        var error = Assert.Throws<DatasetFormatException>(() => InstructionDataset.Load(path));

        Assert.Equal(2, error.Line);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void Load_UnknownShareGptRole_ThrowsListingTheRoles()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("roles.jsonl", "{\"conversations\": [{\"from\": \"robot\", \"value\": \"x\"}]}\n");

        var error = Assert.Throws<DatasetFormatException>(() => InstructionDataset.Load(path));

        Assert.Equal("conversations[0].from", error.Field);
        Assert.Contains("'robot' is not a ShareGPT role (expected one of: system, human, user, gpt, assistant)", error.Message);
    }

    [Fact]
    public void Load_RowOfAnotherFormatAfterTheFirst_ThrowsNamingTheMissingField()
    {
        using var folder = FineTuningFixtures.TemporaryFolder();
        string path = folder.File("mixed.jsonl",
            """
            {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
            {"instruction": "a", "output": "b"}
            """);

        var error = Assert.Throws<DatasetFormatException>(() => InstructionDataset.Load(path));

        Assert.Equal(2, error.Line);
        Assert.Equal("messages", error.Field);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingThePath()
    {
        var error = Assert.Throws<DatasetFormatException>(() => InstructionDataset.Load("/nonexistent/data.jsonl"));

        Assert.Equal("/nonexistent/data.jsonl", error.FilePath);
        Assert.Contains("does not exist", error.Message);
    }
}
