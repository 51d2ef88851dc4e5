// config.json or generation_config.json cannot be used: not JSON, a field of the wrong type or out of
// range, or a feature this runtime does not implement. Names the file and the JSON path of the field,
// and lists the supported values where there is a list.
using Unlearn.Models.Formats;

namespace Unlearn.Models.Config;

/// <summary>A model config file is invalid or asks for something unsupported. <see cref="JsonPath"/> is the field at fault.</summary>
public sealed class ModelConfigException : ModelFormatException
{
    public ModelConfigException(string path, string? jsonPath, string message, Exception? innerException = null)
        : base(path, message, innerException)
    {
        JsonPath = jsonPath;
    }

    /// <summary>The field, e.g. "rope_scaling.rope_type", or null when the problem is the whole file.</summary>
    public string? JsonPath { get; }
}
