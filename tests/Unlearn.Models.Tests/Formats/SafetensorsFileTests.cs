// Reads the real test models (copied from the shared goldens, see Data/golden/PROVENANCE.md) through
// SafetensorsFile: listing, dtypes and shapes, zero-copy access, exact widening, and the errors for
// asking a tensor for something it cannot give.
using System.Runtime.InteropServices;
using System.Text.Json;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class SafetensorsFileTests
{
    private static string Stories => TestData.Path("stories260K", "model.safetensors");

    [Fact]
    public void Open_Llama3Mini_ListsEveryWeightTheConfigImpliesAsBf16()
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel("llama3-mini"), "model.safetensors"));
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.GoldenModel("llama3-mini"), "config.json")));
        int layers = config.RootElement.GetProperty("num_hidden_layers").GetInt32();
        int hidden = config.RootElement.GetProperty("hidden_size").GetInt32();
        int vocab = config.RootElement.GetProperty("vocab_size").GetInt32();

        // 9 weights per layer + embeddings + final norm; tied embeddings, so no lm_head.
        Assert.Equal(9 * layers + 2, file.Tensors.Count);
        Assert.All(file.Tensors, tensor => Assert.Equal(SafetensorsDType.BFloat16, tensor.DType));
        Assert.Equal([vocab, hidden], file.GetTensor("model.embed_tokens.weight").Shape.ToArray());
        Assert.False(file.Contains("lm_head.weight"));
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Tensors_OfStories260K_AreInOffsetOrderAndTileTheDataRegion()
    {
        using var file = SafetensorsFile.Open(Stories);
        long expectedBegin = 0;
        foreach (SafetensorsTensor tensor in file.Tensors)
        {
            Assert.Equal(expectedBegin, tensor.DataBegin);
            Assert.Equal(tensor.ElementCount * 4, tensor.ByteLength);
            expectedBegin = tensor.DataEnd;
        }
        Assert.Equal(file.FileLength - file.DataOffset, expectedBegin);
    }

    [Fact]
    public unsafe void Float32Pointer_OfF32Tensor_AliasesTheMappedBytes()
    {
        using var file = SafetensorsFile.Open(Stories);
        SafetensorsTensor tensor = file.GetTensor("model.layers.0.self_attn.q_proj.weight");
        ReadOnlySpan<float> fromBytes = MemoryMarshal.Cast<byte, float>(tensor.Bytes);
        float* pointer = tensor.Float32Pointer;

        Assert.True(pointer == (float*)tensor.Pointer);
        Assert.True(new ReadOnlySpan<float>(pointer, (int)tensor.ElementCount).SequenceEqual(fromBytes));
        Assert.True(tensor.ToFloat32Array().AsSpan().SequenceEqual(fromBytes));
    }

    [Fact]
    public void CopyToFloat32_Bf16Tensor_EqualsEachElementShiftedIntoTheHighHalf()
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel("llama3-mini"), "model.safetensors"));
        SafetensorsTensor tensor = file.GetTensor("model.embed_tokens.weight");
        ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<byte, ushort>(tensor.Bytes);
        var widened = new float[tensor.ElementCount];
        file.CopyToFloat32(tensor.Name, widened);

        for (int i = 0; i < widened.Length; i++)
        {
            Assert.Equal((uint)bits[i] << 16, BitConverter.SingleToUInt32Bits(widened[i]));
        }
        Assert.Contains(widened, value => value != 0f);
    }

    [Fact]
    public void CopyToFloat32_F16Tensor_EqualsSystemHalfConversion()
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel("llama2-mini"), "model.safetensors"));
        SafetensorsTensor tensor = file.GetTensor("model.layers.1.mlp.down_proj.weight");
        Assert.Equal(SafetensorsDType.Float16, tensor.DType);
        ReadOnlySpan<Half> halves = MemoryMarshal.Cast<byte, Half>(tensor.Bytes);
        float[] widened = tensor.ToFloat32Array();

        for (int i = 0; i < widened.Length; i++)
        {
            Assert.Equal((float)halves[i], widened[i]);
        }
    }

    [Fact]
    public void Open_GoldenOutputs_ReadsI64InputIdsAndF32Logits()
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel("qwen2-mini"), "golden.safetensors"));
        SafetensorsTensor inputIds = file.GetTensor("input_ids");
        Assert.Equal(SafetensorsDType.Int64, inputIds.DType);
        Assert.Equal([2L, 12L], inputIds.Shape.ToArray());
        ReadOnlySpan<long> ids = MemoryMarshal.Cast<byte, long>(inputIds.Bytes);
        Assert.All(ids.ToArray(), id => Assert.InRange(id, 0, 1199));
        Assert.Equal([2L, 12L, 1200L], file.GetTensor("logits").Shape.ToArray());
    }

    [Fact]
    public void Float32Pointer_OfBf16Tensor_ThrowsNamingTheTensorAndTheRemedy()
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel("llama3-mini"), "model.safetensors"));
        SafetensorsTensor tensor = file.GetTensor("model.norm.weight");
        var error = Assert.Throws<SafetensorsFormatException>(() => { unsafe { _ = tensor.Float32Pointer; } });
        Assert.Equal("model.norm.weight", error.TensorName);
        Assert.Contains("BF16", error.Message);
        Assert.Contains("CopyToFloat32", error.Message);
    }

    [Fact]
    public void CopyToFloat32_I64Tensor_ThrowsFormatException()
    {
        using var file = SafetensorsFile.Open(Path.Combine(TestData.GoldenModel("llama2-mini"), "golden.safetensors"));
        var error = Assert.Throws<SafetensorsFormatException>(() => file.GetTensor("input_ids").ToFloat32Array());
        Assert.Equal("input_ids", error.TensorName);
        Assert.Contains("I64", error.Message);
    }

    [Fact]
    public void GetTensor_MisspeltName_ThrowsWithPathAndSuggestion()
    {
        using var file = SafetensorsFile.Open(Stories);
        var error = Assert.Throws<TensorNotFoundException>(() => file.GetTensor("model.layers.0.self_attn.q_proj.weights"));
        Assert.Equal(file.Path, error.Path);
        Assert.Equal("model.layers.0.self_attn.q_proj.weights", error.TensorName);
        Assert.Contains("did you mean 'model.layers.0.self_attn.q_proj.weight'", error.Message);
    }

    [Fact]
    public void ExpectShape_Mismatch_ThrowsWithBothShapes()
    {
        using var file = SafetensorsFile.Open(Stories);
        SafetensorsTensor tensor = file.GetTensor("model.embed_tokens.weight");
        tensor.ExpectShape(512, 64);
        var error = Assert.Throws<SafetensorsFormatException>(() => tensor.ExpectShape(512, 128));
        Assert.Contains("[512, 64]", error.Message);
        Assert.Contains("[512, 128]", error.Message);
    }

    [Fact]
    public void Bytes_AfterDispose_ThrowsObjectDisposed()
    {
        var file = SafetensorsFile.Open(Stories);
        SafetensorsTensor tensor = file.GetTensor("model.norm.weight");
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tensor.Bytes.Length);
    }

    [Fact]
    public void CopyToFloat32_WrongDestinationLength_ThrowsArgumentException()
    {
        using var file = SafetensorsFile.Open(Stories);
        Assert.Throws<ArgumentException>(() => file.CopyToFloat32("model.norm.weight", new float[3]));
    }
}
