// Vocabulary edits stored as JSON (vocab-edits.json):
//   {"format": "unlearn-vocab-edits", "version": 1, "vocab_size": 512,
//    "masked_logits": [337, ...], "zeroed_embedding_rows": [337, ...], "zeroed_logits": []}
// masked_logits get −∞ (never sampled); zeroed_embedding_rows read as zero vectors (with tied embeddings the
// shared row is zeroed, which the forward pass handles); zeroed_logits get 0 — the seed's zeroed lm_head rows,
// kept only for comparison (a logit of 0 can still be sampled). Ids ascending, each once. zeroed_logits is
// optional when reading.
using System.Text.Json;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Edits;

public static class VocabularyEditsFile
{
    public const string Format = "unlearn-vocab-edits";
    public const int Version = 1;

    public static void Write(string path, int vocabSize, IEnumerable<int> maskedLogits, IEnumerable<int> zeroedEmbeddingRows, IEnumerable<int>? zeroedLogits = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", Version);
            writer.WriteNumber("vocab_size", vocabSize);
            WriteIds(writer, "masked_logits", maskedLogits, vocabSize);
            WriteIds(writer, "zeroed_embedding_rows", zeroedEmbeddingRows, vocabSize);
            WriteIds(writer, "zeroed_logits", zeroedLogits ?? [], vocabSize);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        AtomicFile.Write(path, stream => buffer.WriteTo(stream));
    }

    /// <summary>The edits the file stands for: a logit mask and zeroed embedding rows.</summary>
    /// <exception cref="ModelFormatException">Not valid JSON, another format, or an id that is not an integer in [0, vocab_size).</exception>
    public static ModelEdits Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException exception)
        {
            throw new ModelFormatException(path, $"not valid JSON at line {exception.LineNumber + 1} ({exception.Message}).", exception);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format
                || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v != Version)
            {
                throw new ModelFormatException(path, $"not a vocabulary-edits file (expected \"format\": \"{Format}\", \"version\": {Version}); vocab-edits.json is written by the PruneVocab stage.");
            }
            if (!root.TryGetProperty("vocab_size", out var size) || size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out int vocabSize) || vocabSize < 1)
            {
                throw new ModelFormatException(path, "vocab_size is missing or not a positive integer.");
            }
            var zeroed = root.TryGetProperty("zeroed_logits", out _) ? ReadIds(path, root, "zeroed_logits", vocabSize) : [];
            var rowMasks = zeroed.Length == 0 ? new Dictionary<string, int[]>() : new Dictionary<string, int[]> { [Transformer.WeightNames.LmHead] = zeroed };
            return new ModelEdits(rowMasks, ReadIds(path, root, "masked_logits", vocabSize), ReadIds(path, root, "zeroed_embedding_rows", vocabSize));
        }
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, IEnumerable<int> ids, int vocabSize)
    {
        writer.WriteStartArray(name);
        foreach (int id in ids.Distinct().Order())
        {
            if ((uint)id >= (uint)vocabSize)
            {
                throw new ArgumentException($"{name}: id {id} is outside the vocabulary [0, {vocabSize}).");
            }
            writer.WriteNumberValue(id);
        }
        writer.WriteEndArray();
    }

    private static int[] ReadIds(string path, JsonElement root, string name, int vocabSize)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException(path, $"\"{name}\" is missing or not a list of token ids.");
        }
        var ids = new List<int>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int id) || id < 0 || id >= vocabSize)
            {
                throw new ModelFormatException(path, $"{name}[{index}] is {item.GetRawText()}; expected a token id in [0, {vocabSize}).");
            }
            ids.Add(id);
            index++;
        }
        return ids.ToArray();
    }
}
