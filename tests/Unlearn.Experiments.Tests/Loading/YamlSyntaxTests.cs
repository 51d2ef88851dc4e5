using Unlearn.Experiments.Diagnostics;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class YamlSyntaxTests : LoaderTestBase
{
    [Fact]
    public void Load_BadIndentation_ReportsLineAndColumn()
    {
        var error = Single(Errors("name: exp\nmodel: ../models/stories260K\n  concept: x\n"), DiagnosticCodes.YamlSyntax);

        Assert.Equal(3, error.Line);
        Assert.True(error.Column > 0);
    }

    [Fact]
    public void Load_UnclosedFlowList_ReportsWhereTheParserStopped()
    {
        var error = Single(Errors("name: exp\nactivations:\n  sites: [attn.out, mlp.out\nseed: 1\n"), DiagnosticCodes.YamlSyntax);

        Assert.InRange(error.Line, 3, 4);
    }

    [Fact]
    public void Load_UnclosedListFollowedByKey_StillGivesAPosition()
    {
        var error = Single(Errors("name: exp\nb: [x\nc: 3\n"), DiagnosticCodes.YamlSyntax);

        Assert.True(error.Line > 0, error.ToString());
    }

    [Fact]
    public void Load_DuplicateKey_IsASyntaxErrorAtTheSecondKey()
    {
        var error = Single(Errors(TestRepository.Yaml() + "\nseed: 1\nseed: 2\n"), DiagnosticCodes.YamlSyntax);

        Assert.Contains("the key 'seed' appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TabInIndentation_IsReportedAtTheTabsLine()
    {
        var error = Single(Errors("name: exp\nmodel: ../models/stories260K\nconcept:\n\tterms: [play]\n"), DiagnosticCodes.YamlSyntax);

        Assert.Equal(4, error.Line);
        Assert.Contains("tab", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnclosedBracket_IsReportedWhereItOpensInPlainWords()
    {
        var error = Single(Errors("name: exp\nb: [x\nc: 3\n"), DiagnosticCodes.YamlSyntax);

        Assert.Equal((2, 4), (error.Line, error.Column));
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
        // No parser internals ("Operation is not valid due to the current state of the object", "(Line: 2, Col: 4, Idx: 13)").
        Assert.DoesNotContain("Operation is not valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_SaysItIsEmpty()
    {
        var error = Single(Errors(""), DiagnosticCodes.YamlSyntax);

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ListAtTopLevel_AsksForAMapping()
    {
        var error = Single(Errors("- a\n- b\n"), DiagnosticCodes.WrongType);

        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void ToString_Diagnostic_UsesTheClickableCompilerFormat()
    {
        var error = Single(Errors(TestRepository.Yaml(saliency: "C: -1")), DiagnosticCodes.OutOfRange);

        Assert.Matches(@"exp\.yaml\(\d+,\d+\): error UL1003: 'saliency\.C'", error.ToString());
    }
}
