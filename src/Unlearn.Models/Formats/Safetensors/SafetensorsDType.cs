// The element types a safetensors header may name, with their byte sizes and header spellings.
// Only F32, F16 and BF16 are used for compute; the others are parsed so that any file the reference
// implementation writes can be opened and listed. Sub-byte types (F4, F6_*) are not supported.
namespace Unlearn.Models.Formats;

/// <summary>
/// Element type of a safetensors tensor. The numeric order is the reference implementation's
/// alignment order, which <see cref="SafetensorsWriter"/> uses (descending) to lay tensors out.
/// </summary>
public enum SafetensorsDType
{
    Bool,
    UInt8,
    Int8,
    Float8E5M2,
    Float8E4M3,
    Int16,
    UInt16,
    Float16,
    BFloat16,
    Int32,
    UInt32,
    Float32,
    Float64,
    Int64,
    UInt64,
}

/// <summary>Sizes and header names of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypeExtensions
{
    // Header spellings, indexed by the enum value.
    private static readonly string[] HeaderNames =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    /// <summary>The spellings accepted in a header, for error messages.</summary>
    public static string SupportedNames => string.Join(", ", HeaderNames);

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.UInt8 or SafetensorsDType.Int8
            or SafetensorsDType.Float8E5M2 or SafetensorsDType.Float8E4M3 => 1,
        SafetensorsDType.Int16 or SafetensorsDType.UInt16 or SafetensorsDType.Float16 or SafetensorsDType.BFloat16 => 2,
        SafetensorsDType.Int32 or SafetensorsDType.UInt32 or SafetensorsDType.Float32 => 4,
        SafetensorsDType.Float64 or SafetensorsDType.Int64 or SafetensorsDType.UInt64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The header spelling, e.g. "BF16".</summary>
    public static string HeaderName(this SafetensorsDType dtype) =>
        (uint)dtype < (uint)HeaderNames.Length
            ? HeaderNames[(int)dtype]
            : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype.");

    /// <summary>Parses a header spelling ("F32"); case-sensitive, as the reference implementation is.</summary>
    public static bool TryParseHeaderName(string name, out SafetensorsDType dtype)
    {
        int index = Array.IndexOf(HeaderNames, name);
        dtype = (SafetensorsDType)Math.Max(index, 0);
        return index >= 0;
    }
}
