using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Data;

public class EvaluationDataFolderTests
{
    [Fact]
    public void Load_PlayFolder_HasTheDocumentedSets()
    {
        var data = EvaluationDataFolder.Load(TestData.PlayFolder, TestData.PlayConceptDefinition);
        Assert.Equal(16, data.ConceptPrompts.Count);
        Assert.Equal(40, data.ConceptProbes.Count);
        Assert.Equal(["toys", "games", "fun", "family", "food", "animals"], data.Domains.Select(d => d.Name));
        Assert.All(data.Domains, d => Assert.Equal(20, d.Pairs.Count));
        Assert.Equal(40, data.MultipleChoice.Count);
        Assert.Null(data.LeakProbes);
    }

    [Fact]
    public void Load_PlayBackground_HoldsAtLeast20kTokensAndNoTargetTerm()
    {
        var data = EvaluationDataFolder.Load(TestData.PlayFolder, TestData.PlayConceptDefinition);
        var tokenizer = TestData.Model.RequireTokenizer();
        Assert.True(data.BackgroundDocuments.Sum(d => tokenizer.Encode(d).Count) >= 20_000);
        var terms = new Unlearn.Methods.Text.TermMatcher(["play", "plays", "played", "playing"]);
        Assert.DoesNotContain(data.BackgroundDocuments, terms.IsMatch);
    }

    [Fact]
    public void Load_MalformedLine_ThrowsWithFileAndLine()
    {
        string folder = CopyOfPlay();
        File.AppendAllText(Path.Combine(folder, EvaluationDataFolder.ConceptProbesFile), "{\"prompt\": \"Tom\"}\n");
        var e = Assert.Throws<EvaluationDataException>(() => EvaluationDataFolder.Load(folder, TestData.PlayConceptDefinition));
        Assert.Contains($"{EvaluationDataFolder.ConceptProbesFile}:41", e.Message);
        Assert.Contains("'continuation'", e.Message);
    }

    [Fact]
    public void Load_DomainInTwoGroups_ThrowsNamingTheLine()
    {
        string folder = CopyOfPlay();
        File.AppendAllText(Path.Combine(folder, EvaluationDataFolder.DomainProbesFile), "{\"domain\": \"toys\", \"group\": \"unrelated\", \"prompt\": \"A\", \"continuation\": \" b\"}\n");
        var e = Assert.Throws<EvaluationDataException>(() => EvaluationDataFolder.Load(folder, TestData.PlayConceptDefinition));
        Assert.Contains("domain 'toys' was listed as adjacent", e.Message);
    }

    [Fact]
    public void Validate_ReservedDomainName_Throws()
    {
        var data = EvaluationDataFolder.Load(TestData.PlayFolder, TestData.PlayConceptDefinition);
        var bad = data with { Domains = [new DomainProbeSet("adjacent", DomainGroup.Adjacent, [new ProbePair("A", " b")])] };
        Assert.Throws<EvaluationDataException>(bad.Validate);
    }

    [Fact]
    public void Validate_AnswerOutOfRange_ThrowsNamingTheItem()
    {
        var data = EvaluationDataFolder.Load(TestData.PlayFolder, TestData.PlayConceptDefinition);
        var bad = data with { MultipleChoice = [new MultipleChoiceItem("Once upon a", [" time", " dog"], 2)] };
        var e = Assert.Throws<EvaluationDataException>(bad.Validate);
        Assert.StartsWith("multiple choice[0]", e.Message);
    }

    private static string CopyOfPlay()
    {
        string folder = TestData.TemporaryFolder();
        foreach (var file in Directory.GetFiles(TestData.PlayFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}
