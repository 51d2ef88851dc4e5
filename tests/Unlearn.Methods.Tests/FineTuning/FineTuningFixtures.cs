// Shared fixtures of the fine-tuning tests: the bundled stories260K model (loaded once; tests never change its
// weights), the real Llama 2, Llama 3 and Qwen2.5 tokenizers linked from the tokenizer tests (gzip-compressed
// tokenizer.json files are unpacked once into a temporary folder), temporary folders, and small helpers.
using System.IO.Compression;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Tests.FineTuning;

internal static class FineTuningFixtures
{
    private static readonly Lazy<PretrainedModel> Stories = new(() => PretrainedModel.Load(TestData.PathOf("stories260K")));
    private static readonly Dictionary<string, Lazy<Tokenizer>> Tokenizers = new(StringComparer.Ordinal)
    {
        ["llama2"] = new(() => LoadTokenizer("llama2-hf")),
        ["llama3"] = new(() => LoadTokenizer("llama3-hf")),
        ["chatml"] = new(() => LoadTokenizer("qwen2.5-hf")),
        ["plain"] = new(() => Stories.Value.RequireTokenizer()),
    };

    /// <summary>The bundled default model; shared by the tests, read-only.</summary>
    public static PretrainedModel Stories260K => Stories.Value;

    /// <summary>A real tokenizer of the chat family: llama2, llama3, chatml (Qwen2.5) or plain (stories260K).</summary>
    public static Tokenizer TokenizerFor(string format) => Tokenizers[format].Value;

    public static TemporaryFolder TemporaryFolder() => new();

    private static Tokenizer LoadTokenizer(string name)
    {
        string source = TestData.PathOf("tokenizers", name);
        var files = Directory.GetFiles(source).Order(StringComparer.Ordinal).ToArray();
        string key = string.Join("-", files.Select(f => new FileInfo(f).Length));
        string target = Path.Combine(Path.GetTempPath(), "unlearn-finetuning-tests", $"{name}-{key}");
        if (!Directory.Exists(target))
        {
            string partial = $"{target}.partial-{Environment.ProcessId}";
            Directory.CreateDirectory(partial);
            foreach (var file in files)
            {
                string fileName = Path.GetFileName(file);
                if (fileName.EndsWith(".gz", StringComparison.Ordinal))
                {
                    using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
                    using var output = File.Create(Path.Combine(partial, fileName[..^3]));
                    input.CopyTo(output);
                }
                else
                {
                    File.Copy(file, Path.Combine(partial, fileName));
                }
            }
            try
            {
                Directory.Move(partial, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                Directory.Delete(partial, recursive: true);   // another test process unpacked it first
            }
        }
        return Tokenizer.Load(target);
    }
}

internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = Directory.CreateTempSubdirectory("unlearn-finetuning-").FullName;
    }

    public string Path { get; }

    public string File(string name, string content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on Windows-like systems; the OS cleans temp folders.
        }
    }
}
