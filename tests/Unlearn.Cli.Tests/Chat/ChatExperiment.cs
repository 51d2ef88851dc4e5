// The experiment the chat tests talk to, built once for the test class with the real stages on the bundled
// stories260K (TestRepository.SaeYaml, SaeStagesTests' small shape: 64 generated stories, a 256-latent TopK SAE on
// layer 2's residual, "play" latents): its sae-ablated variant is the SAE ablation, an intervention, so the toggle switches a run-time hook.
// Also the reference replies: `unlearn generate --experiment sae --variant V --prompt P --seed S` as its own process.
using System.Text.Json;
using Unlearn.TestStages;

namespace Unlearn.Cli.Tests.Chat;

public sealed class ChatExperiment : IDisposable
{
    public const string Name = "sae";
    public const string Prompt = "Once upon a time";
    public const string Seed = "3";

    /// <summary>The decoding options every chat and generate call of the tests uses.</summary>
    public static readonly string[] Decoding = ["--seed", Seed, "--temperature", "1", "--max-tokens", "24"];

    /// <summary>SaeStagesTests' experiment with the SAE variants evaluated.</summary>
    public static readonly string Yaml = TestRepository.SaeYaml(variants: "[base, sae-ablated, sae-random]");

    public ChatExperiment()
    {
        Repository.WriteExperiment(Yaml, Name);
        Repository.BuildReal(Name, ["Saliency"]);
    }

    public TestRepository Repository { get; } = new();

    /// <summary>`unlearn generate --experiment sae --variant V --prompt P` with <see cref="Decoding"/>: the printed text
    /// (prompt and continuation) and the JSON form's new ids.</summary>
    public (string Text, int[] NewIds) Generate(string variant, string prompt = Prompt)
    {
        string[] common = ["generate", "--experiment", Name, "--variant", variant, "--root", Repository.Root, "--prompt", prompt, .. Decoding];
        var text = CliProcess.Run(common);
        var json = CliProcess.Run([.. common, "--json"]);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.True(json.ExitCode == 0, json.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        return (text.Stdout.TrimEnd('\n'), document.RootElement.GetProperty("new_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
    }

    /// <summary>`unlearn chat --experiment sae` arguments (without the variant) with <see cref="Decoding"/>.</summary>
    public string[] ChatArguments(params string[] more) => ["chat", "--experiment", Name, "--root", Repository.Root, .. Decoding, .. more];

    public void Dispose() => Repository.Dispose();
}
