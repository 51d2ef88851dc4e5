// The stable codes of experiment diagnostics. Codes never change meaning; new ones are appended.
namespace Unlearn.Experiments.Diagnostics;

public static class DiagnosticCodes
{
    /// <summary>The YAML text itself is malformed (indentation, unclosed bracket, tab, duplicate key).</summary>
    public const string YamlSyntax = "UL1000";
    /// <summary>A key the schema does not know; the message suggests the nearest valid key.</summary>
    public const string UnknownKey = "UL1001";
    /// <summary>A value of the wrong type (a string where a number belongs, a scalar where a list belongs).</summary>
    public const string WrongType = "UL1002";
    /// <summary>A number outside its allowed range, or a value not in its allowed set.</summary>
    public const string OutOfRange = "UL1003";
    /// <summary>A file or folder the experiment names does not exist.</summary>
    public const string MissingFile = "UL1004";
    /// <summary>A path that leaves the repository without AllowOutside.</summary>
    public const string PathOutsideRepository = "UL1005";
    /// <summary>A required key is absent.</summary>
    public const string MissingKey = "UL1006";
    /// <summary>The experiment does not fit the model (layer beyond the model, unsupported architecture).</summary>
    public const string ModelMismatch = "UL1007";
    /// <summary>A recognised option that this version of Unlearn does not implement yet.</summary>
    public const string NotAvailable = "UL1008";
    /// <summary>Values that are each valid but contradict each other (two example sources at once).</summary>
    public const string InvalidCombination = "UL1009";
    /// <summary>A file the experiment names exists but its content is malformed (concept definition, config.json).</summary>
    public const string BadReferencedFile = "UL1010";
}
