// The external inputs every model-reading stage declares, built the same way everywhere so that two
// stages reading the same model agree on what "model weights" means.
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Graph;

public static class ModelInputs
{
    private static readonly string[] TokenizerFileNames =
    [
        "tokenizer.json", "tokenizer.model", "tokenizer.tiktoken", "tokenizer_config.json",
        "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "chat_template.jinja",
    ];

    /// <summary>Every *.safetensors file and the shard index of the model folder.</summary>
    public static ExternalInput Weights(ExperimentConfig config)
    {
        var folder = config.Model.FullPath;
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.safetensors").Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        if (File.Exists(Path.Combine(folder, "model.safetensors.index.json")))
        {
            files.Add("model.safetensors.index.json");
        }
        if (files.Count == 0)
        {
            throw new ExternalInputException("model weights", folder,
                $"The model folder '{folder}' holds no *.safetensors file; download or convert the weights into it.");
        }
        return ExternalInput.Folder("model weights", folder, files);
    }

    /// <summary>config.json and, when present, generation_config.json.</summary>
    public static ExternalInput Config(ExperimentConfig config)
    {
        var folder = config.Model.FullPath;
        var files = new List<string> { "config.json" };
        if (File.Exists(Path.Combine(folder, "generation_config.json")))
        {
            files.Add("generation_config.json");
        }
        return ExternalInput.Folder("model config", folder, files);
    }

    /// <summary>The tokenizer files present in the tokenizer folder (or the tokenizer file itself).</summary>
    public static ExternalInput Tokenizer(ExperimentConfig config)
    {
        var path = config.TokenizerPath;
        if (File.Exists(path))
        {
            return ExternalInput.File("tokenizer", path);
        }
        var present = TokenizerFileNames.Where(n => File.Exists(Path.Combine(path, n))).ToArray();
        if (present.Length == 0)
        {
            throw new ExternalInputException("tokenizer", path, $"No tokenizer file in '{path}'.");
        }
        return ExternalInput.Folder("tokenizer", path, present);
    }
}

/// <summary>An external input could not be listed or read.</summary>
public sealed class ExternalInputException(string inputName, string path, string message) : Exception(message)
{
    public string InputName { get; } = inputName;

    public string InputPath { get; } = path;
}
