// The vocabulary edit outside this runtime. A −∞ logit mask has no form in plain weights: an export writes the seed's
// zero-row form (the tokens' LM-head rows zeroed, so their logit is 0 — still sampleable) and the exact ban list
// beside it, as logit_bias.json and as ready-made llama.cpp / llama-server / transformers arguments. ZeroRowForm is
// the runtime variant that behaves like the released weights without the list, so Evaluate can measure what the
// release path costs (target rate of the zero-row form against the −∞ variant on the same prompts and seeds).
using System.Text.Json.Nodes;
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;

namespace Unlearn.Models.Export.Release;

public static class VocabularyRelease
{
    public const string LogitBiasFile = "logit_bias.json";
    public const string LlamaCppArgsFile = "llama.cpp.args";
    public const string Format = "unlearn-logit-bias";

    /// <summary>The edits as the released weights carry them: every −∞ logit becomes a zeroed LM-head row (logit 0).</summary>
    public static ModelEdits ZeroRowForm(ModelEdits edits)
    {
        if (edits.MaskedLogits.Count == 0)
        {
            return edits;
        }
        var rows = edits.RowMasks.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        rows[WeightNames.LmHead] = (rows.TryGetValue(WeightNames.LmHead, out var head) ? head : []).Concat(edits.MaskedLogits).ToArray();
        return new ModelEdits(rows, [], edits.ZeroedEmbeddingRows);
    }

    /// <summary>llama.cpp's command-line form of the ban: "--logit-bias ID-inf" for each id (llama-cli, llama-server).</summary>
    public static string LlamaCppArguments(IReadOnlyList<int> bannedTokens) =>
        string.Join(" ", bannedTokens.Select(id => $"--logit-bias {id}-inf"));

    /// <summary>logit_bias.json: the ban list, the tokens' strings for review, and the forms each client takes.</summary>
    public static JsonObject LogitBiasJson(IReadOnlyList<int> bannedTokens, int vocabSize, Tokenizer? tokenizer)
    {
        var ids = new JsonArray(bannedTokens.Select(id => (JsonNode)id).ToArray());
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = 1,
            ["vocab_size"] = vocabSize,
            ["bias"] = "-inf",
            ["note"] = "The weights hold the zero-row form of this ban (the LM-head rows of these tokens are zero, so their logit is 0 and they can still be sampled). Apply the list as a -inf logit bias to get the evaluated variant exactly.",
            ["token_ids"] = ids,
        };
        if (tokenizer is not null)
        {
            json["tokens"] = new JsonArray(bannedTokens.Select(id => (JsonNode?)tokenizer.IdToToken(id)).ToArray());
        }
        json["llama_cpp_args"] = LlamaCppArguments(bannedTokens);
        json["llama_server"] = new JsonObject
        {
            ["logit_bias"] = new JsonArray(bannedTokens.Select(id => (JsonNode)new JsonArray(id, false)).ToArray()),
        };
        json["transformers"] = new JsonObject
        {
            ["bad_words_ids"] = new JsonArray(bannedTokens.Select(id => (JsonNode)new JsonArray(id)).ToArray()),
        };
        return json;
    }

    /// <summary>Writes logit_bias.json and llama.cpp.args into <paramref name="folder"/> (nothing when the list is empty).</summary>
    public static IReadOnlyList<string> WriteSidecars(string folder, IReadOnlyList<int> bannedTokens, int vocabSize, Tokenizer? tokenizer)
    {
        if (bannedTokens.Count == 0)
        {
            return [];
        }
        ExportFiles.WriteJson(Path.Combine(folder, LogitBiasFile), LogitBiasJson(bannedTokens, vocabSize, tokenizer));
        ExportFiles.WriteText(Path.Combine(folder, LlamaCppArgsFile), LlamaCppArguments(bannedTokens) + "\n");
        return [LogitBiasFile, LlamaCppArgsFile];
    }
}
