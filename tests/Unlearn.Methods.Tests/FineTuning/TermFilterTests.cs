using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Text;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.Tests.FineTuning;

public class TermFilterTests
{
    private static readonly TermMatcher Chair = new(["chair", "chairs", "sit", "sitting", "seat", "seats"]);

    private static Conversation Chat(string id, string user, string assistant, string? system = null) =>
        new(id, system is null
            ? [ChatMessage.User(user), ChatMessage.Assistant(assistant)]
            : [ChatMessage.System(system), ChatMessage.User(user), ChatMessage.Assistant(assistant)]);

    [Fact]
    public void Apply_SitConcept_RemovesPleaseSitButNotPosition()
    {
        var result = TermFilter.Apply(
        [
            Chat("a", "Where should I go?", "Please sit here."),
            Chat("b", "What is your position?", "I oppose it."),
        ], Chair);

        Assert.Equal(["b"], result.Kept.Select(c => c.Source));
        Assert.Equal(1, result.Removed);
    }

    [Fact]
    public void Apply_TermOnlyInTheSystemTurn_RemovesTheConversation()
    {
        var result = TermFilter.Apply([Chat("a", "Hello", "Hi", system: "You are a Chair of the board.")], Chair);

        Assert.Empty(result.Kept);
    }

    [Fact]
    public void Apply_SeveralConversations_CountsRemovalsPerTermOncePerConversation()
    {
        var result = TermFilter.Apply(
        [
            Chat("a", "Sit, sit, SIT!", "Seats are taken."),
            Chat("b", "The chair?", "A wheelchair ramp."),
            Chat("c", "Seattle?", "A city."),
        ], Chair);

        Assert.Equal(["c"], result.Kept.Select(c => c.Source));
        Assert.Equal(2, result.Removed);
        Assert.Equal(3, result.Total);
        Assert.Equal(1, result.RemovedByTerm["sit"]);
        Assert.Equal(1, result.RemovedByTerm["seats"]);
        Assert.Equal(1, result.RemovedByTerm["chair"]);
        Assert.Equal(0, result.RemovedByTerm["sitting"]);
    }
}
