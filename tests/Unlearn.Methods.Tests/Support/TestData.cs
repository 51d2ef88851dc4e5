// Locates the test fixtures copied next to the test assembly (Data/** is copied to the output folder).
namespace Unlearn.Methods.Tests.Support;

public static class TestData
{
    public static string PathOf(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Data", .. parts]);
}
