using System.Text.Json.Nodes;
using Unlearn.Experiments.Json;

namespace Unlearn.Experiments.Tests.Json;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Serialize_KeysInAnyOrder_GiveTheSameText()
    {
        var first = JsonNode.Parse("""{"b": 1, "a": {"y": [1, 2], "x": "t"}}""");
        var second = JsonNode.Parse("""{"a": {"x": "t", "y": [1, 2]}, "b": 1}""");

        Assert.Equal("""{"a":{"x":"t","y":[1,2]},"b":1}""", CanonicalJson.Serialize(first));
        Assert.Equal(CanonicalJson.Serialize(first), CanonicalJson.Serialize(second));
    }

    [Theory]
    [InlineData("2", "2")]
    [InlineData("2.0", "2")]
    [InlineData("2e0", "2")]
    [InlineData("-0.0", "0")]
    [InlineData("0.5", "0.5")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e21", "1e+21")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("0.0085", "0.0085")]
    [InlineData("2e-4", "0.0002")]
    public void Format_NumberLiteral_HasOneCanonicalForm(string literal, string expected)
    {
        Assert.Equal(expected, CanonicalNumber.Format(literal));
    }

    [Fact]
    public void Serialize_DoubleAndIntegerOfSameValue_AreEqual()
    {
        var asDouble = new JsonObject { ["C"] = 2.0 };
        var asInteger = new JsonObject { ["C"] = 2 };

        Assert.Equal(CanonicalJson.Serialize(asInteger), CanonicalJson.Serialize(asDouble));
    }

    [Fact]
    public void Format_RoundTripDouble_ParsesBackToTheSameValue()
    {
        var random = new Random(17);
        for (var i = 0; i < 2000; i++)
        {
            var value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30));
            var text = CanonicalNumber.Format(value);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Format_NaN_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CanonicalNumber.Format(double.NaN));
    }

    [Fact]
    public void Serialize_StringWithControlAndNonAscii_EscapesOnlyWhatJsonRequires()
    {
        var node = JsonValue.Create("a\"b\\c\nd\u0001é→");

        Assert.Equal("\"a\\\"b\\\\c\\nd\\u0001é→\"", CanonicalJson.Serialize(node));
    }
}
