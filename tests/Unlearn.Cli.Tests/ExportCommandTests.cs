// `unlearn export` and `unlearn make-model` as a script sees them: the files an export writes, the ban list of a −∞
// vocabulary edit, the llama.cpp expectations, and one-line errors with the documented exit codes.
using System.Text.Json;

namespace Unlearn.Cli.Tests;

public class ExportCommandTests
{
    private static readonly string Model = CliProcess.InRepository("models", "stories260K");
    private static readonly string Edits = Path.Combine(AppContext.BaseDirectory, "Data", "export", "stories260K");

    [Fact]
    public void Export_Gguf_WithEdits_WritesModelSidecarsModelfileAndExpectations()
    {
        using var folder = new TemporaryDirectory();
        var result = CliProcess.Run("export", "--model", Model, "--edits", Path.Combine(Edits, "masks.safetensors"), "--edits", Path.Combine(Edits, "vocab-edits.json"),
            "--format", "gguf", "--dtype", "q8_0", "--out", folder.Combine("gguf"), "--expectations", folder.Combine("expected"), "--check-prompt", "Once upon a time");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["Modelfile", "README.md", "llama.cpp.args", "logit_bias.json", "model-q8_0.gguf"], Directory.GetFiles(folder.Combine("gguf")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("--logit-bias 337-inf --logit-bias 400-inf", File.ReadAllText(folder.Combine("gguf", "llama.cpp.args")).Trim());
        string modelfile = File.ReadAllText(folder.Combine("gguf", "Modelfile"));
        Assert.Contains("FROM ./model-q8_0.gguf", modelfile);
        Assert.Contains("Ollama has no logit bias", modelfile);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(folder.Combine("expected", "expectations.json")));
        var banned = expected.RootElement.GetProperty("greedy_banned_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.Equal(48, banned.Count);
        Assert.DoesNotContain(337, banned);
        Assert.Equal(new FileInfo(folder.Combine("expected", "expected-logprobs.f32")).Length, 4L * 512 * expected.RootElement.GetProperty("prompt_ids").GetArrayLength());
        Assert.Contains("2 token(s) banned", result.Stdout);
    }

    [Fact]
    public void Export_Hf_ReloadsWithTheOtherVerbs()
    {
        using var folder = new TemporaryDirectory();
        var export = CliProcess.Run("export", "--model", Model, "--format", "hf", "--dtype", "bf16", "--out", folder.Combine("hf"));
        var generate = CliProcess.Run("generate", "--model", folder.Combine("hf"), "--prompt", "Once upon a time", "--max-tokens", "8", "--temperature", "0");

        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        Assert.StartsWith("Once upon a time", generate.Stdout);
        Assert.True(File.Exists(folder.Combine("hf", "tokenizer.json")));
    }

    [Fact]
    public void Inspect_AnExportedGguf_ListsItsMetadataAndTensors()
    {
        using var folder = new TemporaryDirectory();
        var export = CliProcess.Run("export", "--model", Model, "--format", "gguf", "--dtype", "f16", "--out", folder.Combine("gguf"));
        var inspect = CliProcess.Run("inspect", folder.Combine("gguf", "model-f16.gguf"));

        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("GGUF v3: ", inspect.Stdout);
        Assert.Matches(@"tokenizer\.ggml\.tokens\s+\[512 × String\]", inspect.Stdout);
        Assert.Matches(@"blk\.0\.attn_q\.weight\s+F16\s+\[64, 64\]", inspect.Stdout);
    }

    [Fact]
    public void MakeModel_SameSeed_WritesTheSameWeights()
    {
        using var folder = new TemporaryDirectory();
        string tokenizer = Path.Combine(AppContext.BaseDirectory, "Data", "tokenizers", "stories260K-hf");
        var first = CliProcess.Run("make-model", "--like", "qwen2", "--tokenizer", tokenizer, "--vocab-size", "600", "--seed", "4", "--out", folder.Combine("a"));
        var second = CliProcess.Run("make-model", "--like", "qwen2", "--tokenizer", tokenizer, "--vocab-size", "600", "--seed", "4", "--out", folder.Combine("b"));
        var logits = CliProcess.Run("logits", "--model", folder.Combine("a"), "--ids", "1,5,9", "--json");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(File.ReadAllBytes(folder.Combine("a", "model.safetensors")), File.ReadAllBytes(folder.Combine("b", "model.safetensors")));
        Assert.Equal(0, logits.ExitCode);
        using var json = JsonDocument.Parse(logits.Stdout);
        Assert.Equal(600, json.RootElement.GetProperty("logits")[0].GetArrayLength());
    }

    [Theory]
    [InlineData(2, "--format", "onnx")]
    [InlineData(2, "--format", "gguf", "--dtype", "q4_0")]
    [InlineData(3, "--format", "hf", "--dtype", "q8_0")]
    [InlineData(3, "--format", "gguf", "--edits", "no/such/masks.safetensors")]
    [InlineData(2, "--format", "hf", "--expectations", "x", "--check-prompt", "a")]
    public void Export_BadInput_GetsOneLineErrorAndNonZeroExit(int exitCode, params string[] options)
    {
        using var folder = new TemporaryDirectory();
        var result = CliProcess.Run(["export", "--model", Model, "--out", folder.Combine("out"), .. options]);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith("unlearn: ", result.Stderr);
        Assert.False(Directory.Exists(folder.Combine("out")));
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string FullPath { get; } = Directory.CreateTempSubdirectory("unlearn-export-cli-").FullName;

        public string Combine(params string[] parts) => Path.Combine([FullPath, .. parts]);

        public void Dispose()
        {
            try
            {
                Directory.Delete(FullPath, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
