// The numpy element types this project reads and writes, with their .npy descriptors. Anything else
// (complex, strings, datetimes, structured, object) is refused with a message saying what is supported.
namespace Unlearn.Models.Formats;

/// <summary>Element type of an <see cref="NpyArray"/>. Data is always held little-endian.</summary>
public enum NpyDType
{
    /// <summary>numpy bool, one byte, 0 or 1 ('|b1').</summary>
    Bool,
    /// <summary>'|u1'.</summary>
    UInt8,
    /// <summary>'&lt;i4'.</summary>
    Int32,
    /// <summary>'&lt;i8'.</summary>
    Int64,
    /// <summary>'&lt;f2' (IEEE binary16, <see cref="Half"/>).</summary>
    Float16,
    /// <summary>'&lt;f4'.</summary>
    Float32,
    /// <summary>'&lt;f8'.</summary>
    Float64,
}

/// <summary>Descriptors and sizes of <see cref="NpyDType"/>.</summary>
public static class NpyDTypeExtensions
{
    public const string SupportedDescriptors = "<f4, <f8, <f2, <i4, <i8, |u1, |b1 (and their big-endian forms, converted on read)";

    public static int ElementSize(this NpyDType dtype) => dtype switch
    {
        NpyDType.Bool or NpyDType.UInt8 => 1,
        NpyDType.Float16 => 2,
        NpyDType.Int32 or NpyDType.Float32 => 4,
        NpyDType.Int64 or NpyDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown numpy dtype."),
    };

    /// <summary>The little-endian descriptor numpy writes for this type, e.g. "&lt;f4" or "|u1".</summary>
    public static string Descriptor(this NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "|b1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int32 => "<i4",
        NpyDType.Int64 => "<i8",
        NpyDType.Float16 => "<f2",
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown numpy dtype."),
    };

    /// <summary>numpy's name for the type ("float32"), for messages.</summary>
    public static string NumpyName(this NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "bool",
        NpyDType.UInt8 => "uint8",
        NpyDType.Int32 => "int32",
        NpyDType.Int64 => "int64",
        NpyDType.Float16 => "float16",
        NpyDType.Float32 => "float32",
        NpyDType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown numpy dtype."),
    };
}
