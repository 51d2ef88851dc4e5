// Loads Data/logreg/ttest_reference.json (scipy values written by tests/reference/ttest_reference.py).
using System.Globalization;
using System.Text.Json;
using Unlearn.Methods.Tests.Support;

namespace Unlearn.Methods.Tests.Probing;

public static class TTestReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestData.PathOf("logreg", "ttest_reference.json"))).RootElement.Clone());

    public static JsonElement Section(string name) => Root.Value.GetProperty(name);

    /// <summary>A number, or one of the strings "NaN", "Infinity", "-Infinity".</summary>
    public static double Number(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? double.Parse(element.GetString()!, CultureInfo.InvariantCulture)
        : element.GetDouble();

    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(Number).ToArray();

    /// <summary>The ttest data set: concept and background rows [*, featureCount] as float32.</summary>
    public static (float[] Concept, int ConceptCount, float[] Background, int BackgroundCount, int FeatureCount) Data()
    {
        JsonElement ttest = Section("ttest");
        int featureCount = ttest.GetProperty("feature_count").GetInt32();
        float[] concept = Numbers(ttest.GetProperty("concept")).Select(v => (float)v).ToArray();
        float[] background = Numbers(ttest.GetProperty("background")).Select(v => (float)v).ToArray();
        return (concept, concept.Length / featureCount, background, background.Length / featureCount, featureCount);
    }

    /// <summary>The ttest data set as one labelled matrix: concept rows first.</summary>
    public static (float[] Rows, int RowCount, int FeatureCount, bool[] Labels) Labelled()
    {
        var (concept, conceptCount, background, backgroundCount, featureCount) = Data();
        bool[] labels = Enumerable.Repeat(true, conceptCount).Concat(Enumerable.Repeat(false, backgroundCount)).ToArray();
        return ([.. concept, .. background], conceptCount + backgroundCount, featureCount, labels);
    }
}
