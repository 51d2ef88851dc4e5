// SaeDirection (edits.direction.source sae) against numpy (tests/reference/sae_direction_reference.py): u from the
// decoder rows of the committed SAELens fixture, for several feature lists and with rows scaled away from unit norm
// first (u must not depend on the rows' norms), within 1e-6; and the refusals: no feature, a latent outside the SAE,
// a repeated one, and rows that cancel.
using System.Text.Json;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;

namespace Unlearn.Methods.Tests.Sae;

public sealed class SaeDirectionTests
{
    public static TheoryData<int> Cases => new(Enumerable.Range(0, Expected().GetArrayLength()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromDecoderRows_MatchesNumpy(int index)
    {
        var expected = Expected()[index];
        var latents = expected.GetProperty("latents").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var scales = expected.GetProperty("scales").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "discovery", "sae"));
        for (int i = 0; i < latents.Length; i++)
        {
            var row = sae.DecoderWeight.AsSpan(latents[i] * sae.InputWidth, sae.InputWidth);
            foreach (ref float value in row)
            {
                value *= scales[i];
            }
        }

        var u = SaeDirection.FromDecoderRows(sae, latents);

        var reference = expected.GetProperty("u").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(reference.Length, u.Length);
        double worst = reference.Zip(u, (r, v) => Math.Abs(r - v)).Max();
        Assert.True(worst <= 1e-6, $"case {index} ({string.Join(", ", latents)}): max |u − numpy| {worst:E2}");
    }

    [Fact]
    public void FromDecoderRows_OneFeature_IsThatFeaturesUnitDirection()
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "discovery", "sae"));
        var row = sae.DecoderRow(11).ToArray();
        double norm = Math.Sqrt(row.Sum(v => (double)v * v));

        var u = SaeDirection.FromDecoderRows(sae, [11]);

        Assert.All(Enumerable.Range(0, row.Length), i => Assert.Equal(row[i] / norm, u[i], 6));
    }

    [Fact]
    public void FromDecoderRows_BadFeatureLists_AreRefusedSayingWhy()
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "discovery", "sae"));

        Assert.Contains("No SAE feature was selected", Assert.Throws<SaeException>(() => SaeDirection.FromDecoderRows(sae, [])).Message);
        Assert.Contains("outside the SAE's 48 latents", Assert.Throws<SaeException>(() => SaeDirection.FromDecoderRows(sae, [3, 48])).Message);
        Assert.Contains("repeat a latent", Assert.Throws<SaeException>(() => SaeDirection.FromDecoderRows(sae, [3, 3])).Message);
        // Two features along opposite directions share none.
        var opposite = sae.DecoderRow(3).ToArray();
        for (int i = 0; i < opposite.Length; i++)
        {
            sae.DecoderWeight[4 * sae.InputWidth + i] = -opposite[i];
        }
        Assert.Contains("cancel out", Assert.Throws<SaeException>(() => SaeDirection.FromDecoderRows(sae, [3, 4])).Message);
    }

    private static JsonElement Expected()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("sae", "direction-expected.json")));
        return document.RootElement.GetProperty("cases").Clone();
    }
}
