// Batched and incremental paths must agree with the plain one: KV-cache decoding equals recomputing the whole
// sequence, and a padded batch (left or right) equals running each sequence alone — within 1e-4, since a GEMM
// may block rows differently for another row count and so round differently.
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Tests.Transformer;

public class ForwardConsistencyTests
{
    private static readonly int[][] Sequences =
    [
        [1, 403, 407, 261, 378, 432, 383, 286],
        [1, 410, 469, 347],
        [1, 337, 266, 298, 315, 421],
    ];

    [Theory]
    [InlineData("stories260K")]
    [InlineData("qwen2-mini")]
    [InlineData("llama3-mini")]
    public void Decode_WithKvCache_EqualsFullRecomputation(string name)
    {
        using var model = Load(name);
        var sequence = Sequences[0];
        var full = model.Model.Forward(ForwardBatch.RightPadded([sequence]));
        int vocab = model.Model.Shape.VocabSize;

        var cache = new KvCache(model.Model.Shape, 1, sequence.Length);
        var prefill = model.Model.Forward(ForwardBatch.RightPadded([sequence[..3]]), cache);
        ModelTestSupport.AssertClose(full.Logits.AsSpan(0, 3 * vocab), prefill.Logits, 1e-4f, "prefill part");
        for (int t = 3; t < sequence.Length; t++)
        {
            var step = model.Model.Forward(ForwardBatch.NextTokens([sequence[t]], cache), cache);
            ModelTestSupport.AssertClose(full.Logits.AsSpan(t * vocab, vocab), step.Logits, 1e-4f, $"decode step {t}");
        }
    }

    [Theory]
    [InlineData("stories260K", true)]
    [InlineData("stories260K", false)]
    [InlineData("qwen2-mini", true)]
    [InlineData("llama2-mini", false)]
    public void Forward_PaddedBatch_EqualsSequencesOneByOne(string name, bool leftPadding)
    {
        using var model = Load(name);
        int vocab = model.Model.Shape.VocabSize;
        var batch = leftPadding ? ForwardBatch.LeftPadded(Sequences) : ForwardBatch.RightPadded(Sequences);
        var batched = model.Model.Forward(batch);
        int columns = batch.ColumnCount;
        for (int b = 0; b < Sequences.Length; b++)
        {
            var alone = model.Model.Forward(ForwardBatch.RightPadded([Sequences[b]]));
            int offset = leftPadding ? columns - Sequences[b].Length : 0;
            for (int t = 0; t < Sequences[b].Length; t++)
            {
                ModelTestSupport.AssertClose(
                    alone.Logits.AsSpan(t * vocab, vocab),
                    batched.Logits.AsSpan(((b * columns) + offset + t) * vocab, vocab),
                    1e-4f, $"sequence {b} token {t}");
            }
        }
    }

    [Fact]
    public void Generate_BatchedPrompts_EqualEachPromptAlone()
    {
        using var model = Load("stories260K");
        var request = new GenerationRequest
        {
            MaxNewTokens = 24,
            Seed = 7,
            Sampling = new SamplingSettings { Temperature = 0.8f, TopK = 40, TopP = 0.95f },
            StopIds = model.StopIds,
        };
        var batched = new Generator(model.Model).Generate(Sequences, request);
        for (int b = 0; b < Sequences.Length; b++)
        {
            // A sequence's stream is seeded by (seed, index): run it alone at the same index to compare.
            var prompts = Enumerable.Range(0, b + 1).Select(i => (IReadOnlyList<int>)Sequences[i]).ToList();
            var alone = new Generator(model.Model).Generate(prompts, request)[b];
            Assert.Equal(alone.NewIds, batched[b].NewIds);
        }
    }

    [Fact]
    public void Generate_SameSeedTwice_GivesIdenticalTokens_AndAnotherSeedDiffers()
    {
        using var model = Load("stories260K");
        var request = new GenerationRequest { MaxNewTokens = 40, Seed = 123, Sampling = new SamplingSettings { Temperature = 1f } };
        var first = new Generator(model.Model).Generate([Sequences[0]], request)[0];
        var second = new Generator(model.Model).Generate([Sequences[0]], request)[0];
        var other = new Generator(model.Model).Generate([Sequences[0]], request with { Seed = 124 })[0];
        Assert.Equal(first.NewIds, second.NewIds);
        Assert.NotEqual(first.NewIds, other.NewIds);
    }

    private static PretrainedModel Load(string name) =>
        PretrainedModel.Load(name == "stories260K" ? TestData.Path("stories260K") : TestData.GoldenModel(name));
}
