// BenchmarkDotNet suite for the tokenizer: Llama 3 encoding of the mixed-language corpus (TokenizerCorpus) on one
// thread and as a batch on all cores, and loading Llama 3's tokenizer.json.
// Run: dotnet run -c Release --project tests/Unlearn.Benchmarks -- --filter '*TokenizerBenchmarks*'
// Quick figures with MB/s against the targets: dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare tokenizer
using BenchmarkDotNet.Attributes;
using Unlearn.Tokenizers;

namespace Unlearn.Benchmarks;

[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class TokenizerBenchmarks
{
    private Tokenizer _tokenizer = null!;
    private IReadOnlyList<string> _documents = [];
    private string _folder = "";

    [GlobalSetup]
    public void Setup()
    {
        _folder = TokenizerFixtures.Llama3Folder();
        _tokenizer = Tokenizer.Load(_folder);
        _documents = TokenizerCorpus.Build(TokenizerFixtures.CorpusSeedPath());
    }

    /// <summary>Every document encoded in turn on the calling thread (corpus size: see the compare command).</summary>
    [Benchmark]
    public int EncodeOneThread()
    {
        var count = 0;
        foreach (var document in _documents)
        {
            count += _tokenizer.Encode(document).Count;
        }
        return count;
    }

    [Benchmark]
    public int EncodeBatchAllCores() => _tokenizer.EncodeBatch(_documents).Sum(ids => ids.Count);

    [Benchmark]
    public int LoadLlama3TokenizerJson() => Tokenizer.Load(_folder).VocabSize;
}
