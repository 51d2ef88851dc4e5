// Locates the committed fixtures (Data/, copied next to the test assembly) and prepares folders from them:
// .gz files are decompressed into a temporary folder keyed by their content hash (reused across runs), and
// folders can be combined (Llama 3's tiktoken file with Llama 3.2's tokenizer_config.json). Loaded tokenizers
// are cached for the test run; Tokenizer is immutable and thread-safe, so tests may share them.
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Unlearn.Tokenizers.Tests;

internal static class TestData
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Folders = new();
    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> Tokenizers = new();

    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Data");

    public static string File(string folder, string name) => Path.Combine(Root, folder, name);

    /// <summary>A folder holding <paramref name="files"/> (folder, file name) with .gz files decompressed.</summary>
    public static string Prepare(string name, params (string Folder, string File)[] files) =>
        Folders.GetOrAdd(name, _ => new Lazy<string>(() => Materialize(name, files))).Value;

    /// <summary>The fixture folder itself, or a decompressed copy when it holds .gz files.</summary>
    public static string Folder(string folder)
    {
        var source = Path.Combine(Root, folder);
        if (!Directory.EnumerateFiles(source, "*.gz").Any())
        {
            return source;
        }
        var files = Directory.EnumerateFiles(source).Select(f => (folder, Path.GetFileName(f))).ToArray();
        return Prepare(folder, files);
    }

    /// <summary>Loads (once per run) the tokenizer at a fixture folder or file path.</summary>
    public static Tokenizer Load(string path) =>
        Tokenizers.GetOrAdd(path, p => new Lazy<Tokenizer>(() => Tokenizer.Load(p))).Value;

    public static Tokenizer Llama3Json() => Load(Folder("llama3-hf"));

    public static Tokenizer Llama3Tiktoken() => Load(Prepare("llama3-tiktoken",
        ("llama3", "tokenizer.model"), ("llama3.2-1b", "tokenizer_config.json"), ("llama3.2-1b", "special_tokens_map.json")));

    public static Tokenizer Llama2Json() => Load(Folder("llama2-hf"));

    public static Tokenizer Llama2SentencePiece() => Load(File("llama2", "tokenizer.model"));

    public static Tokenizer Llama2c() => Load(File("llama2", "tokenizer.bin"));

    public static Tokenizer QwenJson() => Load(Folder("qwen2.5-hf"));

    public static Tokenizer QwenVocabMerges() => Load(Folder("qwen2.5-0.5b-instruct"));

    public static Tokenizer StoriesJson() => Load(Folder("stories260K-hf"));

    public static Tokenizer StoriesLlama2c() => Load(File("stories260K", "tok512.bin"));

    /// <summary>llama.cpp's 46 test strings and the Hugging Face ids for them.</summary>
    public static IReadOnlyList<(string Text, int[] Ids)> LlamaCppVectors(string vocab)
    {
        var input = System.IO.File.ReadAllText(File("llamacpp-vocab-tests", $"ggml-vocab-{vocab}.gguf.inp"), Encoding.UTF8);
        var texts = input.Split("\n__ggml_vocab_test__\n");
        var lines = System.IO.File.ReadAllText(File("llamacpp-vocab-tests", $"ggml-vocab-{vocab}.gguf.out"), Encoding.UTF8)
            .Split('\n');
        var cases = new List<(string, int[])>();
        for (var i = 0; i + 1 < texts.Length; i++)
        {
            var ids = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            cases.Add((texts[i], ids));
        }
        return cases;
    }

    public static JsonDocument Json(string folder, string name) =>
        JsonDocument.Parse(System.IO.File.ReadAllBytes(File(folder, name)));

    public static string Describe(IEnumerable<int> ids) => "[" + string.Join(", ", ids) + "]";

    private static string Materialize(string name, (string Folder, string File)[] files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (folder, file) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{folder}/{file}\n"));
            hash.AppendData(System.IO.File.ReadAllBytes(File(folder, file)));
        }
        var key = Convert.ToHexString(hash.GetHashAndReset())[..16];
        var target = Path.Combine(Path.GetTempPath(), "unlearn-tokenizer-tests", $"{name}-{key}");
        if (Directory.Exists(target))
        {
            return target;
        }
        var partial = $"{target}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(partial);
        foreach (var (folder, file) in files)
        {
            var source = File(folder, file);
            if (file.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var input = new GZipStream(System.IO.File.OpenRead(source), CompressionMode.Decompress);
                using var output = System.IO.File.Create(Path.Combine(partial, file[..^3]));
                input.CopyTo(output);
            }
            else
            {
                System.IO.File.Copy(source, Path.Combine(partial, file));
            }
        }
        try
        {
            Directory.Move(partial, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            Directory.Delete(partial, recursive: true); // another test process finished first
        }
        return target;
    }
}
