// The arrays behind Data/npy: each value is a formula of its C-order index, the same formulas as
// VALUES in tests/reference/make_npy_fixtures.py, so the tests compare numpy's files with arrays
// computed here rather than with numbers copied from them.
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

internal static class NumpyFixtures
{
    public static readonly string[] Names = ["weights", "concept/attn.out", "ids", "mask", "half", "bytes", "counts", "scalar", "empty"];

    public static string FileName(string name) => name.Replace('/', '_') + ".npy";

    public static string Path(string fileName) => TestData.Path("npy", fileName);

    public static NpyArray Make(string name) => name switch
    {
        "weights" => NpyArray.FromFloat32(Values(6, i => i * 0.25f - 3), [2, 3]),
        "concept/attn.out" => NpyArray.FromFloat64(Values(5, i => i / 7.0), [5]),
        "ids" => NpyArray.FromInt64(Values(4, i => i * 1_000_000_000_000L - 5), [4]),
        "mask" => NpyArray.FromBoolean(Values(7, i => i % 3 == 0), [7]),
        "half" => NpyArray.FromFloat16(Values(8, i => (Half)((i - 10) * 0.5f)), [4, 2]),
        "bytes" => NpyArray.FromUInt8(Values(10, i => (byte)(i * 37 % 256)), [10]),
        "counts" => NpyArray.FromInt32(Values(12, i => i * 1000 - 7), [3, 2, 2]),
        "scalar" => NpyArray.FromFloat32(Values(1, i => i * 0.25f - 3), []),
        "empty" => NpyArray.FromFloat32([], [0, 3]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such fixture"),
    };

    public static IEnumerable<KeyValuePair<string, NpyArray>> All() => Names.Select(name => KeyValuePair.Create(name, Make(name)));

    public static TheoryData<string> NameData() => [.. Names];

    private static T[] Values<T>(int count, Func<int, T> formula) => Enumerable.Range(0, count).Select(formula).ToArray();

    public static void AssertSameArray(NpyArray expected, NpyArray actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.True(expected.Bytes.SequenceEqual(actual.Bytes), $"values differ for {expected}");
    }
}
