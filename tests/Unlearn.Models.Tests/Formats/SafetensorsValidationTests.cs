// One test per validation rule of SafetensorsFile.Open: each malformed file gives a
// SafetensorsFormatException that names the file (and the tensor where one is at fault) and says why.
using System.Buffers.Binary;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class SafetensorsValidationTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private SafetensorsFormatException OpenFails(byte[] bytes, string? expectedTensor = null)
    {
        string path = SafetensorsBytes.Write(_folder, "bad.safetensors", bytes);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, error.Path);
        Assert.StartsWith($"Could not read '{path}': ", error.Message);
        if (expectedTensor is not null)
        {
            Assert.Equal(expectedTensor, error.TensorName);
        }
        return error;
    }

    private SafetensorsFile OpenSucceeds(byte[] bytes) => SafetensorsFile.Open(SafetensorsBytes.Write(_folder, "good.safetensors", bytes));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Open_FileShorterThan8Bytes_ThrowsSayingSo(int length)
    {
        var error = OpenFails(new byte[length]);
        Assert.Contains($"{length} bytes long", error.Message);
    }

    [Fact]
    public void Open_HeaderLengthAbove100MB_ThrowsAsAbsurd()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100_000_001);
        Assert.Contains("100 MB", OpenFails(bytes).Message);
    }

    [Fact]
    public void Open_HeaderLengthBeyondEndOfFile_ThrowsAsTruncated()
    {
        byte[] bytes = SafetensorsBytes.Build("{}      ", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 9);
        Assert.Contains("truncated", OpenFails(bytes).Message);
    }

    [Fact]
    public void Open_HeaderLengthZero_Throws()
    {
        Assert.Contains("no JSON header", OpenFails(new byte[8]).Message);
    }

    [Fact]
    public void Open_HeaderNotUtf8_Throws()
    {
        byte[] bytes = SafetensorsBytes.Build("{\"a\":{}}", 0);
        bytes[10] = 0xFF;
        Assert.Contains("not valid UTF-8", OpenFails(bytes).Message);
    }

    [Fact]
    public void Open_HeaderNotJson_Throws()
    {
        Assert.Contains("not valid JSON", OpenFails(SafetensorsBytes.Build("{\"a\":", 0)).Message);
    }

    [Fact]
    public void Open_HeaderIsJsonArray_ThrowsAsNotAnObject()
    {
        Assert.Contains("not a JSON object", OpenFails(SafetensorsBytes.Build("[1, 2]  ", 0)).Message);
    }

    [Fact]
    public void Open_UnknownDtype_ThrowsNamingTensorAndSupportedTypes()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"w":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,2]}}""", 2), "w");
        Assert.Contains("'Q4_K' is not supported", error.Message);
        Assert.Contains("BF16", error.Message);
    }

    [Fact]
    public void Open_ShapeTimesDtypeDiffersFromByteRange_ThrowsWithBothSizes()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20), "w");
        Assert.Contains("needs 24 bytes", error.Message);
        Assert.Contains("span 20", error.Message);
    }

    [Fact]
    public void Open_EndBeforeBegin_Throws()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}""", 4), "w");
        Assert.Contains("end before they begin", error.Message);
    }

    [Fact]
    public void Open_OverlappingRanges_ThrowsNamingBothTensors()
    {
        string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        var error = OpenFails(SafetensorsBytes.Build(header, 12), "b");
        Assert.Contains("overlaps tensor 'a'", error.Message);
    }

    [Fact]
    public void Open_GapBetweenTensors_ThrowsAsCorrupt()
    {
        string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        var error = OpenFails(SafetensorsBytes.Build(header, 12), "b");
        Assert.Contains("gap of 4 bytes between tensor 'a'", error.Message);
    }

    [Fact]
    public void Open_FirstTensorNotAtZero_ThrowsAsGap()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", 8), "a");
        Assert.Contains("start of the data region", error.Message);
    }

    [Fact]
    public void Open_DataShorterThanHeaderSays_ThrowsWithSizesAndTruncationHint()
    {
        // 300 M floats = 1.2 GB promised; the file holds 64 bytes of data.
        string header = """{"a":{"dtype":"F32","shape":[16],"data_offsets":[0,64]},"big":{"dtype":"F32","shape":[300000000],"data_offsets":[64,1200000064]}}""";
        var error = OpenFails(SafetensorsBytes.Build(header, 64), "big");
        Assert.Contains("header says the tensor data is 1.2 GB", error.Message);
        Assert.Contains("the file has 64 bytes after the header", error.Message);
        Assert.Contains("truncated download?", error.Message);
    }

    [Fact]
    public void Open_BytesAfterLastTensor_Throws()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", 6));
        Assert.Contains("2 bytes after the last tensor", error.Message);
    }

    [Fact]
    public void Open_DuplicateTensorName_Throws()
    {
        string header = """{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}""";
        var error = OpenFails(SafetensorsBytes.Build(header, 4), "a");
        Assert.Contains("listed twice", error.Message);
    }

    [Theory]
    [InlineData("[-1]")]
    [InlineData("[1.5]")]
    [InlineData("\"4\"")]
    [InlineData("[99999999999999999999]")]
    public void Open_ShapeNotNonNegativeIntegers_Throws(string shape)
    {
        var error = OpenFails(SafetensorsBytes.Build("{\"w\":{\"dtype\":\"U8\",\"shape\":" + shape + ",\"data_offsets\":[0,4]}}", 4), "w");
        Assert.Contains("'shape'", error.Message);
    }

    [Fact]
    public void Open_ShapeProductOverflows_Throws()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8), "w");
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void Open_MissingDataOffsets_Throws()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"w":{"dtype":"U8","shape":[4]}}""", 4), "w");
        Assert.Contains("no 'data_offsets'", error.Message);
    }

    [Fact]
    public void Open_MetadataValueNotString_Throws()
    {
        var error = OpenFails(SafetensorsBytes.Build("""{"__metadata__":{"step":3}}""", 0));
        Assert.Contains("'__metadata__.step' must be a string", error.Message);
    }

    [Fact]
    public void Open_EmptyHeaderObject_OpensWithNoTensors()
    {
        using SafetensorsFile file = OpenSucceeds(SafetensorsBytes.Build("{}      ", 0));
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Open_ScalarAndZeroSizedTensors_HaveOneAndZeroElements()
    {
        string header = """{"empty":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]},"scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""";
        using SafetensorsFile file = OpenSucceeds(SafetensorsBytes.Build(header, 4));
        Assert.Equal(0, file.GetTensor("empty").ElementCount);
        Assert.Equal(1, file.GetTensor("scalar").ElementCount);
        Assert.Single(file.GetTensor("scalar").ToFloat32Array());
    }

    [Fact]
    public void Open_UnknownFieldInTensorEntry_IsIgnoredAsTheReferenceDoes()
    {
        using SafetensorsFile file = OpenSucceeds(SafetensorsBytes.Build("""{"w":{"dtype":"U8","shape":[4],"data_offsets":[0,4],"note":"x"}}""", 4));
        Assert.Equal(4, file.GetTensor("w").ByteLength);
    }
}
