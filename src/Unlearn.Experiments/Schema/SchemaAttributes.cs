// The attributes that make the C# records the single source of truth for the experiment schema:
// the YAML key name, its documentation, unit, range and which stages read it sit on the property;
// the default is the property initialiser. The binder, the validator, the key documents and
// docs/experiments.md all read these, so a key is described exactly once.
namespace Unlearn.Experiments.Schema;

/// <summary>What a path-valued key must point at.</summary>
public enum PathKind
{
    File,
    Directory,
    FileOrDirectory,
}

/// <summary>Marks a property as a YAML key of its section.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeyAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>One or two sentences for docs/experiments.md.</summary>
    public string Doc { get; set; } = "";

    /// <summary>Unit of a number ("tokens", "fraction of candidate rows").</summary>
    public string? Unit { get; set; }

    /// <summary>Inclusive lower bound of a number (or of each number in a list); NaN for none.</summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>Inclusive upper bound; NaN for none.</summary>
    public double Max { get; set; } = double.NaN;

    public bool MinExclusive { get; set; }

    public bool MaxExclusive { get; set; }

    public bool Required { get; set; }

    /// <summary>For path-valued keys: what must exist there.</summary>
    public PathKind PathKind { get; set; } = PathKind.File;

    /// <summary>Text for the docs when the default is derived rather than a constant.</summary>
    public string? DefaultText { get; set; }

    /// <summary>
    /// Top-level keys only: the stages that read this section, comma-separated, "*" for all. A missing
    /// file in a section that no requested stage reads is a warning instead of an error.
    /// </summary>
    public string ReadBy { get; set; } = "*";

    public bool HasMin => !double.IsNaN(Min);

    public bool HasMax => !double.IsNaN(Max);
}

/// <summary>Marks a record as a YAML mapping section.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SectionAttribute(string doc) : Attribute
{
    public string Doc { get; } = doc;
}

/// <summary>The YAML spelling of an enum member.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ChoiceAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string Doc { get; set; } = "";

    /// <summary>False for options the schema knows but this version cannot run yet.</summary>
    public bool Available { get; set; } = true;
}
