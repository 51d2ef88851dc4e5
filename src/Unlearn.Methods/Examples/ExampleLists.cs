// Concept and background texts: the content of an examples file in the seed format
// {"concept_examples": [...], "background_examples": [...]}.
namespace Unlearn.Methods.Examples;

public enum ExampleLabel
{
    /// <summary>The text mentions the concept (a target term); y = 1.</summary>
    Concept,

    /// <summary>The text does not; y = 0.</summary>
    Background,
}

public sealed record ExampleLists(IReadOnlyList<string> Concept, IReadOnlyList<string> Background)
{
    public int Count => Concept.Count + Background.Count;

    public IReadOnlyList<string> Of(ExampleLabel label) => label == ExampleLabel.Concept ? Concept : Background;

    /// <summary>The artefact name of a class: "concept" or "background".</summary>
    public static string GroupName(ExampleLabel label) => label == ExampleLabel.Concept ? "concept" : "background";
}
