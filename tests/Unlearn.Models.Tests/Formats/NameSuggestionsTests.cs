// The project's one "did you mean": optimal string alignment distance, a distance limit, ordinal tie-break.
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests;

public class NameSuggestionsTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("prune_fraction", "prnue_fraction", 1)] // adjacent transposition costs one edit
    [InlineData("ca", "abc", 3)]                        // OSA, not unrestricted Damerau (which gives 2)
    public void EditDistance_IsOptimalStringAlignment(string a, string b, int expected)
    {
        Assert.Equal(expected, NameSuggestions.EditDistance(a, b));
        Assert.Equal(expected, NameSuggestions.EditDistance(b, a));
    }

    [Fact]
    public void Nearest_RespectsTheLimit_CaseAndTies()
    {
        string[] names = ["model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight", "lm_head.weight"];

        Assert.Equal("model.layers.0.mlp.up_proj.weight", NameSuggestions.Nearest("model.layer.0.mlp.up_proj.weight", names, 3));
        Assert.Null(NameSuggestions.Nearest("embed_tokens", names, 3));
        Assert.Null(NameSuggestions.Nearest("LM_HEAD.weight", names, 3));
        Assert.Equal("lm_head.weight", NameSuggestions.Nearest("LM_HEAD.weight", names, 3, ignoreCase: true));
        Assert.Equal("ab", NameSuggestions.Nearest("aa", ["ba", "ab"], 1)); // equal distance: ordinal order decides
        Assert.Equal("; did you mean 'lm_head.weight'?", NameSuggestions.Hint("lm_heads.weight", names, 3));
        Assert.Equal("", NameSuggestions.Hint("unrelated", names, 3));
    }
}
