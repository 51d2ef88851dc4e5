// PruneVocab: the vocabulary entries that spell the concept's terms (word match by default), masked to −∞ at the
// logits and zeroed at the input embedding; specials are never touched (METHODS.md "PruneVocab"). Outputs:
// tokens.json (for review, with the spellings that remain possible) and vocab-edits.json.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Config;
using Unlearn.Models.Edits;
using Unlearn.Tokenizers;

namespace Unlearn.Experiments.Stages;

public sealed class PruneVocabStage : IStage
{
    public string Name => "PruneVocab";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => [];

    public SettingsUse Settings => SettingsUse.None;

    public JsonNode KeySection(ExperimentConfig config)
    {
        var section = KeyJson.Of(config, "vocab");
        section["concept"] = new JsonObject { ["forms"] = new JsonArray(config.Concept.AllForms.Select(f => (JsonNode)f).ToArray()) };
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) => [ModelInputs.Tokenizer(config), ModelInputs.Config(config)];

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Vocab;
        var modelConfig = ModelConfig.LoadFromFolder(config.Model.FullPath);
        string editsPath = Path.Combine(context.OutputDirectory, VocabularyArtefacts.EditsFile);
        if (!settings.Enabled)
        {
            VocabularyEditsFile.Write(editsPath, modelConfig.VocabSize, [], []);
            context.Log.Info("vocab.enabled is false: no token is masked (hybrid = concept)");
            return;
        }
        var tokenizer = Tokenizer.Load(config.TokenizerPath);
        var options = new VocabularyOptions
        {
            Terms = config.Concept.AllForms,
            Match = settings.Match == VocabMatch.Substring ? VocabularyMatch.Substring : VocabularyMatch.Word,
            IncludeEncodings = settings.IncludeEncodings,
            ZeroEmbeddings = settings.ZeroEmbeddings,
        };
        var result = VocabularyPruning.Run(tokenizer, modelConfig.VocabSize, options, context.OutputDirectory);
        if (settings.LogitMask == LogitMask.Zero)
        {
            // The seed's behaviour, for comparison: the tokens' logits become 0 (still sampleable) instead of −∞.
            VocabularyEditsFile.Write(editsPath, modelConfig.VocabSize, [], result.ZeroedEmbeddingRows, result.MaskedLogits);
            context.Log.Warning("vocab.logit_mask is zero (the seed's behaviour): masked tokens keep logit 0 and can still be sampled");
        }
        context.Log.Info($"masked {result.Tokens.Count} token{(result.Tokens.Count == 1 ? "" : "s")}: {string.Join(", ", result.Tokens.Take(12).Select(t => $"{t.Id} \"{t.Text}\""))}{(result.Tokens.Count > 12 ? ", …" : "")}");
    }
}
