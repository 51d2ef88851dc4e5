// What activation capture will run, decided before any forward pass: every example tokenised (BOS included,
// cut to the token limit), which of its positions are pooled, how many rows it contributes, which output file
// (chunk) it goes to, and the batches: within a chunk, examples sorted by token count (ties by class, then
// index) and cut into groups of BatchSize, so padding stays small. Public so a benchmark can run the raw
// forward pass over exactly the same batches.
using Unlearn.Methods.Examples;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Activations;

/// <summary>An example of one class: its index in that class's list.</summary>
public readonly record struct ExampleRef(ExampleLabel Group, int Index);

/// <summary>The examples of one forward call, in batch row order.</summary>
public sealed record CaptureBatch(IReadOnlyList<ExampleRef> Examples);

/// <summary>One output file and the examples (a contiguous range of each class) whose rows it holds.</summary>
public sealed class CaptureChunk
{
    internal CaptureChunk(string file, int[] firstExample, int[] exampleCount, int[] rowCount, IReadOnlyList<CaptureBatch> batches)
    {
        File = file;
        FirstExample = firstExample;
        ExampleCount = exampleCount;
        RowCount = rowCount;
        Batches = batches;
    }

    public string File { get; }

    /// <summary>Per class (indexed by <see cref="ExampleLabel"/>): the first example held.</summary>
    public IReadOnlyList<int> FirstExample { get; }

    public IReadOnlyList<int> ExampleCount { get; }

    /// <summary>Per class: rows held (examples, or pooled tokens for token pooling).</summary>
    public IReadOnlyList<int> RowCount { get; }

    public IReadOnlyList<CaptureBatch> Batches { get; }
}

public sealed class CapturePlan
{
    public const string PooledFile = "activations.npz";

    /// <summary>The activations file of token shard <paramref name="shard"/> (tokens-00000.npy, …).</summary>
    public static string TokenShardName(int shard) => $"tokens-{shard:D5}.npy";

    /// <summary>The row-metadata file beside a token shard (tokens-00000.rows.npy).</summary>
    public static string RowsFileOf(string shardFile) => Path.ChangeExtension(shardFile, null) + ".rows.npy";

    private readonly int[][][] _tokens;
    private readonly int[][] _pooledCounts;
    private readonly int[] _truncated;

    private CapturePlan(
        ActivationOptions options, TransformerShape shape, int maxTokens, bool[] isSpecial, int[][][] tokens, int[][] pooledCounts, int[] truncated,
        IReadOnlyList<CaptureChunk> chunks)
    {
        Options = options;
        Shape = shape;
        MaxTokens = maxTokens;
        IsSpecial = isSpecial;
        _tokens = tokens;
        _pooledCounts = pooledCounts;
        _truncated = truncated;
        Chunks = chunks;
        Sites = options.Layers.Order().SelectMany(layer => options.Sites.Order().Select(kind => new HookSite(layer, kind))).ToArray();
        LayerLimit = options.Layers.Max() + 1;
    }

    public ActivationOptions Options { get; }

    public TransformerShape Shape { get; }

    /// <summary>The token limit applied (BOS included).</summary>
    public int MaxTokens { get; }

    /// <summary>Every captured site, by layer then site kind.</summary>
    public IReadOnlyList<HookSite> Sites { get; }

    /// <summary>The forward pass stops after this many layers: the last captured layer + 1.</summary>
    public int LayerLimit { get; }

    public IReadOnlyList<CaptureChunk> Chunks { get; }

    /// <summary>[vocabSize] true for the ids excluded from the pool unless special tokens are included.</summary>
    internal bool[] IsSpecial { get; }

    public IEnumerable<CaptureBatch> Batches => Chunks.SelectMany(c => c.Batches);

    public int ExampleCount(ExampleLabel group) => _tokens[(int)group].Length;

    /// <summary>The ids an example is run with (BOS included, truncated).</summary>
    public IReadOnlyList<int> Tokens(ExampleRef example) => _tokens[(int)example.Group][example.Index];

    /// <summary>The positions of an example that enter its pool.</summary>
    public int PooledCount(ExampleRef example) => _pooledCounts[(int)example.Group][example.Index];

    public int Truncated(ExampleLabel group) => _truncated[(int)group];

    public long TokenCount(ExampleLabel group) => _tokens[(int)group].Sum(t => (long)t.Length);

    public long PooledTokenCount(ExampleLabel group) => _pooledCounts[(int)group].Sum(c => (long)c);

    /// <summary>Rows an example contributes: 1, or its pooled positions for token pooling.</summary>
    public int RowsOf(ExampleRef example) => Options.Pooling == Pooling.Tokens ? PooledCount(example) : 1;

    public int Width(SiteKind kind) => HookSite.Width(kind, Shape.HiddenSize, Shape.IntermediateSize);

    /// <summary>The batch's sequences, right-padded, as the forward pass takes them.</summary>
    public ForwardBatch ForwardBatchOf(CaptureBatch batch) =>
        ForwardBatch.RightPadded(batch.Examples.Select(e => (IReadOnlyList<int>)_tokens[(int)e.Group][e.Index]).ToArray());

    /// <exception cref="ActivationCacheException">Bad options, an id outside the model's vocabulary, or an example with nothing to pool.</exception>
    public static CapturePlan Create(Tokenizer tokenizer, ExampleLists examples, ActivationOptions options, TransformerShape shape)
    {
        options.Validate(shape.LayerCount, shape.MaxPositions);
        int maxTokens = options.MaxTokens ?? shape.MaxPositions;
        var isSpecial = new bool[shape.VocabSize];
        foreach (int id in tokenizer.SpecialIds.Concat(new[] { tokenizer.BosId, tokenizer.EosId, tokenizer.PadId }.OfType<int>()))
        {
            if ((uint)id < (uint)isSpecial.Length)
            {
                isSpecial[id] = true;
            }
        }
        var tokens = new int[2][][];
        var pooled = new int[2][];
        var truncated = new int[2];
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            var texts = examples.Of(group);
            int g = (int)group;
            tokens[g] = new int[texts.Count][];
            pooled[g] = new int[texts.Count];
            for (int i = 0; i < texts.Count; i++)
            {
                var ids = tokenizer.Encode(texts[i]).ToArray();
                if (ids.Length > maxTokens)
                {
                    ids = ids[..maxTokens];
                    truncated[g]++;
                }
                int count = 0;
                foreach (int id in ids)
                {
                    if ((uint)id >= (uint)shape.VocabSize)
                    {
                        throw new ActivationCacheException($"{ExampleLists.GroupName(group)} example {i} encodes to token id {id}, outside the model's vocabulary of {shape.VocabSize}; the tokenizer does not belong to this model.");
                    }
                    count += options.IncludeSpecialTokens || !isSpecial[id] ? 1 : 0;
                }
                if (count == 0)
                {
                    throw new ActivationCacheException($"{ExampleLists.GroupName(group)} example {i} (\"{texts[i]}\") has no token left to pool once special tokens are excluded; remove it from the examples.");
                }
                tokens[g][i] = ids;
                pooled[g][i] = count;
            }
        }
        if (tokens[0].Length == 0 && tokens[1].Length == 0)
        {
            throw new ActivationCacheException("The examples are empty; nothing to capture. Check the examples stage's output.");
        }
        var chunks = PlanChunks(options, shape, tokens, pooled);
        return new CapturePlan(options, shape, maxTokens, isSpecial, tokens, pooled, truncated, chunks);
    }

    private static List<CaptureChunk> PlanChunks(ActivationOptions options, TransformerShape shape, int[][][] tokens, int[][] pooled)
    {
        var ranges = new List<(int[] First, int[] Count, int[] Rows)>();
        if (options.Pooling != Pooling.Tokens)
        {
            ranges.Add(([0, 0], [tokens[0].Length, tokens[1].Length], [tokens[0].Length, tokens[1].Length]));
        }
        else
        {
            long bytesPerRow = 4L * options.Layers.Count * options.Sites.Sum(k => (long)HookSite.Width(k, shape.HiddenSize, shape.IntermediateSize));
            var next = new int[2];
            (int[] First, int[] Count, int[] Rows) current = ([0, 0], [0, 0], [0, 0]);
            long currentBytes = 0;
            for (int g = 0; g < 2; g++)
            {
                for (int i = 0; i < tokens[g].Length; i++)
                {
                    long bytes = bytesPerRow * pooled[g][i];
                    if (currentBytes > 0 && currentBytes + bytes > options.ShardBytes)
                    {
                        ranges.Add(current);
                        current = ([next[0], next[1]], [0, 0], [0, 0]);
                        currentBytes = 0;
                    }
                    current.Count[g]++;
                    current.Rows[g] += pooled[g][i];
                    currentBytes += bytes;
                    next[g]++;
                }
            }
            ranges.Add(current);
        }
        var chunks = new List<CaptureChunk>(ranges.Count);
        for (int k = 0; k < ranges.Count; k++)
        {
            var (first, count, rows) = ranges[k];
            var members = new List<ExampleRef>();
            for (int g = 0; g < 2; g++)
            {
                for (int i = first[g]; i < first[g] + count[g]; i++)
                {
                    members.Add(new ExampleRef((ExampleLabel)g, i));
                }
            }
            var ordered = members
                .OrderBy(e => tokens[(int)e.Group][e.Index].Length)
                .ThenBy(e => e.Group)
                .ThenBy(e => e.Index)
                .ToArray();
            var batches = ordered.Chunk(options.BatchSize).Select(b => new CaptureBatch(b)).ToArray();
            string file = options.Pooling == Pooling.Tokens ? TokenShardName(k) : PooledFile;
            chunks.Add(new CaptureChunk(file, first, count, rows, batches));
        }
        return chunks;
    }
}
