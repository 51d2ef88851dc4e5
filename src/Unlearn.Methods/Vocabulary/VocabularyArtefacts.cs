// The PruneVocab stage's files:
//   tokens.json       for review: options, excluded special ids, every pruned token {id, token, text, term, reason,
//                     encodings}, every term variant's encoding {term, variant, ids, pieces, added}, and the spellings
//                     that remain possible {term, variant, before: {single, multi}, remaining: {single, multi}}.
//   vocab-edits.json  the edits (VocabularyEditsFile): masked_logits (−∞) and zeroed_embedding_rows.
using System.Text.Json;
using Unlearn.Methods.Examples;
using Unlearn.Models.Edits;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Vocabulary;

public static class VocabularyArtefacts
{
    public const string TokensFile = "tokens.json";
    public const string EditsFile = "vocab-edits.json";

    /// <summary>The edits of a PruneVocab folder's vocab-edits.json.</summary>
    public static ModelEdits LoadEdits(string folder) => VocabularyEditsFile.Read(Path.Combine(folder, EditsFile));

    public static string ReasonName(PruneReason reason) => reason switch
    {
        PruneReason.Word => "word",
        PruneReason.Substring => "substring",
        _ => "encoding",
    };

    internal static void Write(VocabularyResult result, Tokenizer tokenizer, string folder)
    {
        Directory.CreateDirectory(folder);
        VocabularyEditsFile.Write(Path.Combine(folder, EditsFile), result.VocabSize, result.MaskedLogits, result.ZeroedEmbeddingRows);
        ArtefactJson.Write(Path.Combine(folder, TokensFile), writer => WriteTokens(writer, result, tokenizer));
    }

    private static void WriteTokens(Utf8JsonWriter writer, VocabularyResult result, Tokenizer tokenizer)
    {
        writer.WriteStartObject();
        writer.WriteString("format", "unlearn-vocab-tokens");
        writer.WriteNumber("version", 1);
        writer.WriteString("match", result.Options.Match == VocabularyMatch.Word ? "word" : "substring");
        writer.WriteStringArray("terms", result.Options.NormalizedTerms());
        writer.WriteBoolean("include_encodings", result.Options.IncludeEncodings);
        writer.WriteBoolean("zero_embeddings", result.Options.ZeroEmbeddings);
        writer.WriteNumber("vocab_size", result.VocabSize);
        writer.WriteIntArray("excluded_special_ids", result.ExcludedSpecialIds);
        writer.WriteNumber("incomplete_utf8_tokens", result.IncompleteUtf8Tokens);
        writer.WriteNumber("pruned_count", result.Tokens.Count);
        writer.WriteStartArray("tokens");
        foreach (var token in result.Tokens)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", token.Id);
            writer.WriteString("token", token.Token);
            writer.WriteString("text", token.Text);
            writer.WriteString("term", token.Term);
            writer.WriteString("reason", ReasonName(token.Reason));
            writer.WriteStringArray("encodings", token.Encodings);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("term_encodings");
        foreach (var encoding in result.Encodings)
        {
            writer.WriteStartObject();
            writer.WriteString("term", encoding.Term);
            writer.WriteString("variant", encoding.Variant);
            writer.WriteIntArray("ids", encoding.Ids);
            writer.WriteStringArray("pieces", encoding.Ids.Select(id => tokenizer.IdToToken(id) ?? ""));
            writer.WriteBoolean("single_token", encoding.Ids.Count == 1);
            writer.WriteBoolean("added", encoding.Added);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("spellings");
        foreach (var spelling in result.Spellings)
        {
            writer.WriteStartObject();
            writer.WriteString("term", spelling.Term);
            writer.WriteString("variant", spelling.Variant);
            writer.WriteStartObject("before");
            writer.WriteNumber("single_token", spelling.SingleBefore);
            writer.WriteNumber("multi_token", spelling.MultiBefore);
            writer.WriteEndObject();
            writer.WriteStartObject("remaining");
            writer.WriteNumber("single_token", spelling.SingleRemaining);
            writer.WriteNumber("multi_token", spelling.MultiRemaining);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
