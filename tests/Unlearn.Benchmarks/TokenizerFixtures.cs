// Where the tokenizer benchmarks find their inputs: the repository's committed fixtures (the Llama 3
// tokenizer.json is stored gzip-compressed under tests/Unlearn.Tokenizers.Tests/Data and decompressed to a
// temporary folder once) and the corpus seed text beside this file. Nothing outside the repository is read.
using System.IO.Compression;

namespace Unlearn.Benchmarks;

public static class TokenizerFixtures
{
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"Unlearn.sln not found above {AppContext.BaseDirectory}; run the benchmarks from the repository.");
    }

    public static string CorpusSeedPath() =>
        Path.Combine(RepositoryRoot(), "tests", "Unlearn.Benchmarks", "TokenizerCorpusSeed.txt");

    /// <summary>A folder holding Llama 3's tokenizer.json and configs (decompressed once into the temp folder).</summary>
    public static string Llama3Folder()
    {
        var source = Path.Combine(RepositoryRoot(), "tests", "Unlearn.Tokenizers.Tests", "Data", "llama3-hf");
        var gz = Path.Combine(source, "tokenizer.json.gz");
        var stamp = new FileInfo(gz).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var target = Path.Combine(Path.GetTempPath(), "unlearn-benchmarks", $"llama3-hf-{stamp}");
        if (File.Exists(Path.Combine(target, "tokenizer.json")))
        {
            return target;
        }
        var partial = $"{target}.partial-{Environment.ProcessId}";
        Directory.CreateDirectory(partial);
        foreach (var file in Directory.EnumerateFiles(source).Where(f => f.EndsWith(".json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(partial, Path.GetFileName(file)), overwrite: true);
        }
        using (var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress))
        using (var output = File.Create(Path.Combine(partial, "tokenizer.json")))
        {
            input.CopyTo(output);
        }
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        Directory.Move(partial, target);
        return target;
    }
}
