// Reads the validation-relevant facts of a model folder's config.json through the runtime's own ModelConfig, so
// an experiment is refused for exactly the reasons the model would be.
using Unlearn.Models.Config;
using Unlearn.Models.Formats;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Loading;

internal static class ModelConfigReader
{
    public static ModelSummary? Read(string modelFolder, DiagnosticBag diagnostics, SourcePosition modelPosition)
    {
        var path = Path.Combine(modelFolder, ModelConfig.FileName);
        if (!File.Exists(path))
        {
            diagnostics.Error(DiagnosticCodes.MissingFile, "model", modelPosition,
                $"The model folder '{modelFolder}' has no config.json; is it a Hugging Face model folder?");
            return null;
        }
        try
        {
            var config = ModelConfig.Load(path);
            return new ModelSummary(config.ArchitectureName, config.ModelType, config.LayerCount, config.ModelDim,
                config.IntermediateDim, config.VocabSize, config.TieWordEmbeddings);
        }
        catch (ModelFormatException exception)
        {
            // The runtime's own message names the file and the field (e.g. "rope_scaling.rope_type: 'yarn' is not supported").
            diagnostics.Error(DiagnosticCodes.ModelMismatch, "model", modelPosition, exception.Message);
            return null;
        }
    }
}
