// The enumerations of the GGUF v3 format as llama.cpp defines them (gguf-py/gguf/constants.py: GGUFValueType,
// GGMLQuantizationType, LlamaFileType), for the tensor types this project writes and reads.
namespace Unlearn.Models.Formats.Gguf;

/// <summary>Type tags of metadata values.</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>Tensor element types (ggml_type) this project handles.</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
    BF16 = 30,
}

public static class GgmlTypes
{
    /// <summary>Bytes a row of <paramref name="elementCount"/> values takes (whole blocks for quantized types).</summary>
    public static long RowBytes(this GgmlType type, long elementCount) => type switch
    {
        GgmlType.F32 => elementCount * 4,
        GgmlType.F16 or GgmlType.BF16 => elementCount * 2,
        GgmlType.Q8_0 => elementCount % Kernels.Q8_0Blocks.BlockSize == 0
            ? elementCount / Kernels.Q8_0Blocks.BlockSize * Kernels.Q8_0Blocks.BlockBytes
            : throw new ArgumentException($"Q8_0 rows hold whole blocks of {Kernels.Q8_0Blocks.BlockSize}; {elementCount} is not a multiple."),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a tensor type this project handles"),
    };

    /// <summary>general.file_type (llama.cpp's LlamaFileType) for a file whose 2-D weights are <paramref name="type"/>.</summary>
    public static uint FileType(this GgmlType type) => type switch
    {
        GgmlType.F32 => 0,   // ALL_F32
        GgmlType.F16 => 1,   // MOSTLY_F16
        GgmlType.Q8_0 => 7,  // MOSTLY_Q8_0
        GgmlType.BF16 => 32, // MOSTLY_BF16
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
