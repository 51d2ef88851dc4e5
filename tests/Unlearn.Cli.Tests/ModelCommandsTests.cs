// The model verbs scripts rely on, run as a real process on the bundled stories260K model.
using System.Text.Json;

namespace Unlearn.Cli.Tests;

public class ModelCommandsTests
{
    private static readonly string Model = CliProcess.InRepository("models", "stories260K");

    [Fact]
    public void Generate_Greedy_PrintsTheRunCStory()
    {
        // llama2.c's greedy story for stories260K (expected.json, case greedy_bos_until_bos) begins with the prompt.
        var result = CliProcess.Run("generate", "--model", Model, "--prompt", "Once upon a time", "--temperature", "0");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily. She loved to play outside in the park.", result.Stdout);
        Assert.EndsWith("She was so happy and said, \"Thank you, Lily! You are a good friend.\"\n", result.Stdout);
    }

    [Fact]
    public void Generate_PromptIdsJson_PrintsPromptThenNewIds()
    {
        var result = CliProcess.Run("generate", "--model", Model, "--prompt-ids", "1,410,469,347", "--max-tokens", "5", "--temperature", "0", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var ids = json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // expected.json greedy_zoo_60 continues "Zoo" with 286 261 376 298 315.
        Assert.Equal([1, 410, 469, 347, 286, 261, 376, 298, 315], ids);
    }

    [Fact]
    public void Generate_SameSeed_SameText()
    {
        string[] args = ["generate", "--model", Model, "--prompt", "Tom", "--max-tokens", "30", "--temperature", "0.9", "--seed", "5"];
        Assert.Equal(CliProcess.Run(args).Stdout, CliProcess.Run(args).Stdout);
    }

    [Fact]
    public void Logits_Json_HasOneRowOfVocabSizePerPosition()
    {
        var result = CliProcess.Run("logits", "--model", Model, "--ids", "1,403,407", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.GetProperty("logits").EnumerateArray().ToArray();
        Assert.Equal(3, rows.Length);
        Assert.All(rows, r => Assert.Equal(512, r.GetArrayLength()));
        // bos_position0_logits in expected.json: the largest logit after BOS is id 403 ("▁Once") at 17.02352.
        Assert.Equal(17.02352, rows[0][403].GetDouble(), 3);
    }

    [Fact]
    public void Bench_Json_ReportsTheDocumentedFields()
    {
        var result = CliProcess.Run("bench", "--model", Model, "--tokens", "16", "--decode-tokens", "4", "--repeats", "1", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("prefill_tokens_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("decode_tokens_per_s").GetDouble() > 0);
        Assert.Contains(root.GetProperty("gemm").GetString(), new[] { "openblas", "managed" });
        Assert.True(root.GetProperty("threads").GetInt32() >= 1);
        Assert.True(root.GetProperty("peak_rss_bytes").GetInt64() > 0);
    }

    [Fact]
    public void Logits_TorchBackendJson_MatchesTheManagedJsonWithin1e4()
    {
        var managed = CliProcess.Run("logits", "--model", Model, "--ids", "1,5,9", "--json");
        var torch = CliProcess.Run("logits", "--model", Model, "--ids", "1,5,9", "--json", "--backend", "torch");
        Assert.Equal(0, torch.ExitCode);
        using var expected = JsonDocument.Parse(managed.Stdout);
        using var actual = JsonDocument.Parse(torch.Stdout);
        var e = expected.RootElement.GetProperty("logits").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
        var a = actual.RootElement.GetProperty("logits").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
        Assert.Equal(3 * 512, a.Length);
        Assert.Equal(e.Length, a.Length);
        double worst = e.Zip(a, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst <= 1e-4, $"max abs diff {worst}");
    }

    [Fact]
    public void Generate_TorchBackendGreedy_PrintsTheRunCStory()
    {
        // The opening of the same run.c story as the managed test above; 40 tokens keep the test short on a loaded machine.
        var result = CliProcess.Run("generate", "--model", Model, "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "40", "--backend", "torch");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily. She loved to play outside in the park.", result.Stdout);
    }

    [Fact]
    public void Bench_TorchBackend_ReportsLibTorch()
    {
        var result = CliProcess.Run("bench", "--model", Model, "--tokens", "16", "--decode-tokens", "4", "--repeats", "1", "--json", "--backend", "torch");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.StartsWith("torch/cpu/float32/threads=", json.RootElement.GetProperty("runtime").GetString());
        Assert.Equal("libtorch", json.RootElement.GetProperty("gemm").GetString());
        Assert.True(json.RootElement.GetProperty("decode_tokens_per_s").GetDouble() > 0);
    }

    [Theory]
    [InlineData(2, "logits", "--model", "models/stories260K", "--ids", "1", "--backend", "tensorflow")]
    [InlineData(2, "logits", "--model", "models/stories260K", "--ids", "1", "--device", "cuda")]
    [InlineData(2, "logits", "--model", "models/stories260K", "--ids", "1", "--backend", "torch", "--device", "tpu")]
    [InlineData(2, "generate", "--model", "models/stories260K")]
    [InlineData(2, "generate", "--model", "models/stories260K", "--prompt", "a", "--prompt-ids", "1")]
    [InlineData(2, "logits", "--model", "models/stories260K", "--ids", "1,x")]
    [InlineData(2, "logits", "--model", "models/stories260K", "--ids", "1,99999")]
    [InlineData(3, "logits", "--model", "no/such/folder", "--ids", "1")]
    [InlineData(2, "generate", "--model", "models/stories260K", "--prompt", "a", "--top-p", "0")]
    public void BadInput_GetsOneLineErrorAndNonZeroExit(int exitCode, params string[] args)
    {
        var result = CliProcess.Run(args);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith("unlearn: ", result.Stderr);
    }
}
