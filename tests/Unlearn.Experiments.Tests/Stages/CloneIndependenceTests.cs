// Artefacts do not depend on where the clone lives: the same experiment built in two repositories at different paths
// gives the same keys and byte-identical store entries (every output file, and every manifest field but the run-to-run
// measurements: wall time, peak memory, timing). The default experiment covers generated examples and repair data; a
// second, small experiment covers the path-bearing sources (supplied examples, a corpus, a repair dataset file).
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Store;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Stages;

public class CloneIndependenceTests
{
    private static string FileSources(string name, string examples) => $"""
        name: {name}
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [play, plays]
          test_prompts: ["Once upon a time"]
        examples:
          {examples}
          min_words: 3
          concept_count: 4
          background_count: 4
          held_out: 0
        activations:
          sites: [mlp.out]
          layers: last 1
        saliency:
          C: 1
          holdout: 0
          prune_fraction: 0.1
        repair:
          dataset: ../data/repair.jsonl
          lora:
            rank: 2
            alpha: 4
          max_steps: 2
          micro_batch_size: 2
        """;

    private const string Corpus = "The cat sat on the mat. The dog wants to play in the park. Tim and Sue play ball all day. The sun was hot. "
        + "They like to play with blocks. Mom baked a cake for us. We play tag after school. The bird flew over the house. "
        + "Ben and Lily play in the sand. The rain fell all night long.";

    private const string RepairData = """
        {"conversations": [{"from": "human", "value": "Tell me a story."}, {"from": "gpt", "value": "Once upon a time there was a cat."}]}
        {"conversations": [{"from": "human", "value": "What did the bird do?"}, {"from": "gpt", "value": "The bird sang a song in the tree."}]}
        {"conversations": [{"from": "human", "value": "Who came home?"}, {"from": "gpt", "value": "Mom came home with a big cake."}]}
        """;

    [Fact]
    public void DefaultExperiment_BuiltInTwoClonesAtDifferentPaths_GivesByteIdenticalEntries()
    {
        using var first = new TestRepository();
        using var second = new TestRepository(nesting: Path.Combine("somewhere", "else entirely"));
        first.WriteDefaultExperiment();
        second.WriteDefaultExperiment();

        AssertSameEntries(first, second, TestRepository.DefaultExperiment);
    }

    [Fact]
    public void FileSources_BuiltInTwoClonesAtDifferentPaths_GiveByteIdenticalEntries()
    {
        using var first = new TestRepository();
        using var second = new TestRepository(nesting: "nested");
        foreach (var repository in new[] { first, second })
        {
            repository.WriteFile("data/corpus/stories.txt", Corpus);
            repository.WriteFile("data/repair.jsonl", RepairData);
            repository.WriteExperiment(FileSources("supplied", "supplied: ../data/examples.json"), "supplied");
            repository.WriteExperiment(FileSources("corpus", "corpus: [../data/corpus/stories.txt]"), "corpus");
        }

        // Evaluate reads no path-bearing input beyond what the default experiment's test covers.
        AssertSameEntries(first, second, "supplied", "Repair");
        AssertSameEntries(first, second, "corpus", "Repair");
    }

    private static void AssertSameEntries(TestRepository first, TestRepository second, string experiment, string target = "Evaluate")
    {
        var a = first.BuildReal(experiment, [target]);
        var b = second.BuildReal(experiment, [target]);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        // Stages shared with an experiment built before are restored from the store: their bytes were compared then.
        foreach (var restored in a.Where(p => p.Value.Status != StageStatus.Ran).Select(p => p.Key).ToList())
        {
            a.Remove(restored);
        }
        foreach (var (stage, outcome) in a)
        {
            Assert.True(outcome.Key == b[stage].Key, $"{stage}: key {outcome.Key[..12]} in one clone, {b[stage].Key[..12]} in the other");
            string left = first.Entry(outcome);
            string right = second.Entry(b[stage]);
            var files = Files(left);
            Assert.Equal(files, Files(right));
            foreach (var file in files.Where(f => f != ArtifactLayout.ManifestFileName))
            {
                Assert.True(File.ReadAllBytes(Path.Combine(left, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(right, file))),
                    $"{stage}: {file} differs between the clones");
            }
            Assert.Equal(StableManifest(left), StableManifest(right));
            foreach (var file in files)
            {
                string text = File.ReadAllText(Path.Combine(left, file));
                Assert.False(text.Contains(first.Root, StringComparison.Ordinal), $"{stage}: {file} holds the clone's path {first.Root}");
            }
        }
    }

    private static List<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    // The manifest minus what legitimately changes from run to run (it is measured, not computed).
    private static string StableManifest(string entry)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(entry, ArtifactLayout.ManifestFileName)))!.AsObject();
        foreach (var measured in new[] { "wall_time_seconds", "peak_memory_bytes", "peak_memory_method", "timing", "machine", "tool_version", "created_utc" })
        {
            manifest.Remove(measured);
        }
        return manifest.ToJsonString();
    }
}
