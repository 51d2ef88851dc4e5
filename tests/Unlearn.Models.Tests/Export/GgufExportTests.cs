// A GGUF export holds, tensor for tensor and byte for byte, what llama.cpp's own gguf-py writes for the same weights
// (names, Q/K permutation, f16/bf16 rounding, q8_0 blocks, rope_freqs; export_reference.py golden); reads back into
// this runtime to the baked logits; and carries the tokenizer metadata llama.cpp builds its vocabulary from.
using System.Security.Cryptography;
using Unlearn.Models.Export;
using Unlearn.Models.Export.Gguf;
using Unlearn.Models.Formats.Gguf;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;

namespace Unlearn.Models.Tests.Export;

public class GgufExportTests
{
    [Theory]
    [InlineData("llama3-mini", "f32")]
    [InlineData("llama3-mini", "q8_0")]
    [InlineData("qwen2-mini", "f16")]
    [InlineData("qwen2-mini", "bf16")]
    [InlineData("stories260K", "f32")]
    [InlineData("stories260K", "f16")]
    [InlineData("stories260K", "bf16")]
    [InlineData("stories260K", "q8_0")]
    public void Export_TensorBytes_EqualWhatGgufPyWritesForTheExportedWeights(string name, string dtypeName)
    {
        Assert.True(ExportTypes.TryParse(dtypeName, out var dtype));
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, exportCase.Edits(model), HuggingFaceExportTests.Request(folder.File("gguf"), dtype, ExportFormat.Gguf));
        var file = GgufFile.Open(Path.Combine(folder.File("gguf"), ModelExporter.GgufFileName(dtype)));
        var expected = ExportCase.GoldenTensorHashes(name, dtypeName);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tensor in file.Tensors)
        {
            Assert.True(expected[tensor.Name] == Convert.ToHexStringLower(SHA256.HashData(file.ReadBytes(tensor))), $"{name} {dtypeName}: tensor {tensor.Name} ({tensor.Type}) differs from gguf-py's bytes");
        }
    }

    [Theory]
    [InlineData("llama3-mini")]
    [InlineData("qwen2-mini")]
    [InlineData("stories260K")]
    public void Export_F32_ReadBack_GivesTheBakedLogitsExactly(string name)
    {
        var exportCase = ExportCase.Get(name);
        using var model = exportCase.Load();
        using var baked = WeightBaker.Bake(model.Model, exportCase.Edits(model));
        using var folder = new TemporaryFolder();
        ModelExporter.Write(model, baked, HuggingFaceExportTests.Request(folder.File("gguf"), ExportDType.F32, ExportFormat.Gguf));
        using var reloaded = GgufModelReader.Load(GgufFile.Open(Path.Combine(folder.File("gguf"), "model-f32.gguf")), model.Model.Gemm, model.Model.Shape.RopeScaling);
        int[][] prompts = [[1, 5, 10, 20, 30, 9, 7], [3, 400, 4]];

        Assert.Equal(baked.Model.Shape with { Architecture = reloaded.Shape.Architecture }, reloaded.Shape);
        Assert.Equal(baked.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits, reloaded.Forward(ForwardBatch.RightPadded(prompts)).Logits);
    }

    [Fact]
    public void Export_Llama_HasTheHyperParametersAndRopeFactorsLlamaCppReads()
    {
        using var model = ExportCase.Llama3Mini.Load();
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, [], HuggingFaceExportTests.Request(folder.File("gguf"), ExportDType.F32, ExportFormat.Gguf));
        var file = GgufFile.Open(Path.Combine(folder.File("gguf"), "model-f32.gguf"));

        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.GetString("general.architecture"));
        Assert.Equal(3u, file.GetUInt32("llama.block_count"));
        Assert.Equal(2u, file.GetUInt32("llama.attention.head_count_kv"));
        Assert.Equal(16u, file.GetUInt32("llama.rope.dimension_count"));
        Assert.Equal(500000f, file.GetFloat32("llama.rope.freq_base"));
        Assert.Equal(0u, file.GetUInt32("general.file_type"));
        Assert.DoesNotContain(file.Tensors, t => t.Name == GgufTensorNames.Output);
        // llama3 scaling, factor 32, low 1, high 4, 8192: short wavelengths keep their frequency, long ones are divided by 32.
        var factors = file.ReadFloat32(GgufTensorNames.RopeFrequencies);
        Assert.Equal(8, factors.Length);
        Assert.Equal(1f, factors[0]);
        Assert.Equal(32f, factors[^1]);
    }

    [Fact]
    public void Export_Stories260K_HasASentencePieceVocabularyWhoseScoresOrderMergesAsSentencePieceDid()
    {
        using var model = ExportCase.Stories.Load();
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, [], HuggingFaceExportTests.Request(folder.File("gguf"), ExportDType.F32, ExportFormat.Gguf));
        var file = GgufFile.Open(Path.Combine(folder.File("gguf"), "model-f32.gguf"));
        var scores = file.Metadata["tokenizer.ggml.scores"].Items<float>();
        var types = file.Metadata["tokenizer.ggml.token_type"].Items<int>();
        var original = Llama2cScores(TestData.Path("export", "tok512.bin"));

        Assert.Equal("llama", file.GetString("tokenizer.ggml.model"));
        Assert.Equal(512, file.Metadata["tokenizer.ggml.tokens"].Items<string>().Count);
        Assert.Equal([2, 3, 3], types.Take(3));   // <unk> unknown, <s> and </s> control
        Assert.All(types.Skip(3).Take(256), t => Assert.Equal(6, t)); // <0x00>..<0xFF> byte
        // llama.cpp merges the pair whose joined piece scores highest; the pieces merges make must be ranked as
        // SentencePiece's own scores rank them (tok512.bin, written by its trainer).
        var merged = Enumerable.Range(259, 512 - 259).Where(id => scores[id] != 0f || id == 259).ToList();
        Assert.True(merged.Count > 150, $"only {merged.Count} pieces are made by merges");
        Assert.Equal(merged.OrderByDescending(id => original[id]).ThenBy(id => id), merged.OrderByDescending(id => scores[id]).ThenBy(id => id));
        Assert.Equal(1u, file.GetUInt32("tokenizer.ggml.bos_token_id"));
        Assert.Equal(2u, file.GetUInt32("tokenizer.ggml.eos_token_id"));
        Assert.True((bool)file.Metadata["tokenizer.ggml.add_bos_token"].Value);
    }

    [Fact]
    public void Export_OfAPaddedVocabulary_MarksTheExtraIdsUnused()
    {
        using var model = ExportCase.Qwen2Mini.Load();   // vocab 1200 with stories260K's 512-token tokenizer
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, [], HuggingFaceExportTests.Request(folder.File("gguf"), ExportDType.F32, ExportFormat.Gguf));
        var file = GgufFile.Open(Path.Combine(folder.File("gguf"), "model-f32.gguf"));
        var tokens = file.Metadata["tokenizer.ggml.tokens"].Items<string>();
        var types = file.Metadata["tokenizer.ggml.token_type"].Items<int>();

        Assert.Equal("qwen2", file.GetString("general.architecture"));
        Assert.Equal(1200, tokens.Count);
        Assert.Equal("[PAD600]", tokens[600]);
        Assert.Equal(5, types[600]);
    }

    [Theory]
    [InlineData(PreTokenizerFamily.Llama3, "llama-bpe")]
    [InlineData(PreTokenizerFamily.Qwen2, "qwen2")]
    [InlineData(PreTokenizerFamily.Gpt2, "gpt-2")]
    public void PreTokenizerName_IsTheOneLlamaCppKnows(PreTokenizerFamily family, string name) =>
        Assert.Equal(name, GgufExporter.PreTokenizerName(family));

    [Fact]
    public void PreTokenizerName_ForAnUnknownSplit_IsRefused() =>
        Assert.Throws<ExportRefusedException>(() => GgufExporter.PreTokenizerName(PreTokenizerFamily.Other));

    [Fact]
    public void InterleavedRowOrder_PutsEachHeadsHalvesInAlternateRows()
    {
        // Two heads of four rows: rotate_half rows (0 1 | 2 3) become Meta's pairs (0 2 1 3), per head.
        Assert.Equal([0, 2, 1, 3, 4, 6, 5, 7], GgufExporter.InterleavedRowOrder(2, 4));
    }

    [Fact]
    public void Open_ATruncatedFile_FailsNamingTheFile()
    {
        using var model = ExportCase.Stories.Load();
        using var folder = new TemporaryFolder();
        ModelExporter.Export(model, [], HuggingFaceExportTests.Request(folder.File("gguf"), ExportDType.F32, ExportFormat.Gguf));
        string path = Path.Combine(folder.File("gguf"), "model-f32.gguf");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(folder.File("cut.gguf"), bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<Models.Formats.ModelFormatException>(() => GgufFile.Open(folder.File("cut.gguf")));

        Assert.Contains("cut.gguf", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    /// <summary>Scores of a llama2.c tokenizer.bin (max_token_length, then per token: float score, int length, bytes).</summary>
    private static float[] Llama2cScores(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        reader.ReadInt32();
        var scores = new List<float>();
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            scores.Add(reader.ReadSingle());
            reader.ReadBytes(reader.ReadInt32());
        }
        return scores.ToArray();
    }
}
