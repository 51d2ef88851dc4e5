// Sampling semantics follow transformers' logits processors (repetition penalty, temperature, top-k, top-p);
// the pseudo-random stream is xoshiro256** seeded through SplitMix64, pinned here against an independent
// Python implementation of the published algorithm (values computed once, see tests/reference/xoshiro.py).
using Unlearn.Models.Generation;
using Unlearn.Numerics;

namespace Unlearn.Models.Tests.Generation;

public class SamplerTests
{
    [Theory]
    [InlineData(0UL, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(42UL, 0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL)]
    public void SeededRandom_MatchesReferenceXoshiro256StarStar(ulong seed, ulong first, ulong second, ulong third)
    {
        var random = new SeededRandom(seed);
        Assert.Equal(first, random.NextUInt64());
        Assert.Equal(second, random.NextUInt64());
        Assert.Equal(third, random.NextUInt64());
    }

    [Fact]
    public void Greedy_TiedMaximum_PicksLowestId()
    {
        var sampler = new Sampler(4);
        int id = sampler.Choose([1f, 5f, 5f, 2f], new SamplingSettings { Temperature = 0 }, new HashSet<int>(), new SeededRandom(1));
        Assert.Equal(1, id);
    }

    [Fact]
    public void TopK_One_IsGreedy()
    {
        var sampler = new Sampler(5);
        float[] logits = [0.1f, 2f, 1.9f, -1f, 0f];
        for (ulong seed = 0; seed < 50; seed++)
        {
            Assert.Equal(1, sampler.Choose(logits, new SamplingSettings { Temperature = 1, TopK = 1 }, new HashSet<int>(), new SeededRandom(seed)));
        }
    }

    [Fact]
    public void TopP_KeepsSmallestSetReachingP()
    {
        // Probabilities ≈ [0.665, 0.245, 0.090]: top-p 0.8 keeps the first two, never the third.
        var sampler = new Sampler(3);
        float[] logits = [2f, 1f, 0f];
        var seen = new HashSet<int>();
        for (ulong seed = 0; seed < 400; seed++)
        {
            seen.Add(sampler.Choose(logits, new SamplingSettings { Temperature = 1, TopP = 0.8f }, new HashSet<int>(), new SeededRandom(seed)));
        }
        Assert.Equal([0, 1], seen.Order());
    }

    [Fact]
    public void Sampling_FrequenciesFollowTheSoftmax()
    {
        var sampler = new Sampler(3);
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
        var counts = new int[3];
        var random = new SeededRandom(11);
        const int Draws = 20000;
        for (int i = 0; i < Draws; i++)
        {
            counts[sampler.Choose(logits, new SamplingSettings { Temperature = 1 }, new HashSet<int>(), random)]++;
        }
        Assert.InRange(counts[0] / (double)Draws, 0.48, 0.52);
        Assert.InRange(counts[1] / (double)Draws, 0.28, 0.32);
        Assert.InRange(counts[2] / (double)Draws, 0.18, 0.22);
    }

    [Fact]
    public void RepetitionPenalty_DividesPositiveAndMultipliesNegativeLogits()
    {
        var sampler = new Sampler(3);
        // Token 0 (logit 3) was seen: 3 / 2 = 1.5 < 2, so greedy now picks token 1.
        Assert.Equal(1, sampler.Choose([3f, 2f, -1f], new SamplingSettings { Temperature = 0, RepetitionPenalty = 2f }, new HashSet<int> { 0 }, new SeededRandom(0)));
        // A seen negative logit gets more negative: -1 · 2 = -2 < -1.5.
        Assert.Equal(1, sampler.Choose([-2.5f, -1.5f, -1f], new SamplingSettings { Temperature = 0, RepetitionPenalty = 2f }, new HashSet<int> { 2 }, new SeededRandom(0)));
    }

    [Fact]
    public void Choose_AllTokensMasked_Throws()
    {
        var sampler = new Sampler(2);
        Assert.Throws<InvalidOperationException>(() => sampler.Choose(
            [float.NegativeInfinity, float.NegativeInfinity], new SamplingSettings { Temperature = 1 }, new HashSet<int>(), new SeededRandom(0)));
    }

    [Theory]
    [InlineData(-1f, 0, 1f, 1f)]
    [InlineData(1f, -1, 1f, 1f)]
    [InlineData(1f, 0, 0f, 1f)]
    [InlineData(1f, 0, 1.5f, 1f)]
    [InlineData(1f, 0, 1f, 0f)]
    public void Validate_OutOfRangeSetting_Throws(float temperature, int topK, float topP, float penalty)
    {
        var settings = new SamplingSettings { Temperature = temperature, TopK = topK, TopP = topP, RepetitionPenalty = penalty };
        Assert.Throws<ArgumentException>(settings.Validate);
    }
}
