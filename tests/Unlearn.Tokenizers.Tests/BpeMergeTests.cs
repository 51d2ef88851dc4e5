// The two merge loops (small-piece rescan and heap) must give identical results; both are Hugging Face's
// "lowest (rank, position) first" order. Checked on seeded random pieces with the real Llama 3 (byte-level)
// and Llama 2 (SentencePiece, byte fallback) vocabularies, including pieces far longer than the small limit.
using System.Text;
using Unlearn.Tokenizers.Models;

namespace Unlearn.Tokenizers.Tests;

public sealed class BpeMergeTests
{
    public static TheoryData<string> Models => ["llama3", "llama2"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Compute_SmallAndHeapMergeLoops_GiveIdenticalTokens(string name)
    {
        var model = name == "llama3" ? TestData.Llama3Json().Model : TestData.Llama2Json().Model;
        var source = string.Concat(TestTexts.All);
        var random = new Random(42);
        for (var trial = 0; trial < 400; trial++)
        {
            var length = random.Next(1, trial % 10 == 0 ? 400 : BpeModel.SmallWordLimit);
            var start = random.Next(0, source.Length - length);
            if (char.IsLowSurrogate(source[start]))
            {
                start++;
            }
            var text = source.Substring(start, Math.Min(length, source.Length - start));
            if (text.Length > 0 && char.IsHighSurrogate(text[^1]))
            {
                text = text[..^1];
            }
            var piece = name == "llama2" ? "▁" + text.Replace(' ', '▁') : text;
            var utf8 = Encoding.UTF8.GetBytes(piece);
            var small = model.Compute(utf8, forceHeap: false);
            var heap = model.Compute(utf8, forceHeap: true);
            Assert.True(small.SequenceEqual(heap), $"{System.Text.Json.JsonSerializer.Serialize(piece)}: {TestData.Describe(small)} vs {TestData.Describe(heap)}");
            Assert.Equal(utf8.Length, small.Where((_, i) => i % 2 == 1).Sum());
        }
    }
}
