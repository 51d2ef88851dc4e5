// What a client (llama.cpp) running an exported GGUF must reproduce, computed by this runtime on the baked model:
// per-position log-softmax over a multi-token prompt (a little-endian float32 file, [positions, vocabSize]), the
// greedy continuation (no stop ids, so every position is compared), the greedy continuation with the ban list
// applied as −∞ (the evaluated variant exactly), and the ids of tokenizer test strings. tests/llamacpp/check.mjs
// reads expectations.json and checks them in node-llama-cpp.
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Unlearn.Models.Edits;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Kernels;
using Unlearn.Tokenizers;

namespace Unlearn.Models.Export.Checks;

public sealed record ClientCheckSettings
{
    /// <summary>The prompt, encoded with BOS as the tokenizer adds it.</summary>
    public required string Prompt { get; init; }

    /// <summary>Greedy tokens to generate (with and without the ban).</summary>
    public int NewTokens { get; init; } = 48;

    /// <summary>Strings whose ids the client's tokenizer must reproduce (no BOS, special tokens not parsed).</summary>
    public IReadOnlyList<string> TokenizerStrings { get; init; } = [];

    /// <summary>Largest |Δ log-softmax| the client may show (1e-4 for f32 files).</summary>
    public double LogProbTolerance { get; init; } = 1e-4;

    /// <summary>Tokens whose log-probability is below this are not compared (−∞: all are; quantized files compare the
    /// probable tokens only, since llama.cpp also rounds the activations it multiplies them with).</summary>
    public double LogProbFloor { get; init; } = double.NegativeInfinity;

    /// <summary>The tolerances for a file of this tensor type, from the measured deviation of llama.cpp's arithmetic
    /// (it rounds activations to the weights' type: f16, bf16, q8_0 blocks) on stories260K.</summary>
    public static (double Tolerance, double Floor) TolerancesFor(ExportDType dtype) => dtype switch
    {
        ExportDType.F32 => (1e-4, double.NegativeInfinity),
        ExportDType.F16 => (2e-2, Math.Log(1e-3)),
        ExportDType.BF16 => (8e-2, Math.Log(1e-3)),
        _ => (0.5, Math.Log(1e-3)),
    };
}

public static class ClientExpectations
{
    public const string FileName = "expectations.json";
    public const string LogProbFileName = "expected-logprobs.f32";

    /// <summary>Writes expectations.json and expected-logprobs.f32 into <paramref name="folder"/>.</summary>
    public static void Write(string folder, string ggufFile, LlamaModel baked, IReadOnlyList<int> bannedTokens, Tokenizer tokenizer, ClientCheckSettings settings) =>
        Write(folder, ggufFile, baked, ForwardOptions.Default, new ForwardOptions { Edits = new ModelEdits(new Dictionary<string, int[]>(), bannedTokens, []) },
            bannedTokens, tokenizer, settings);

    /// <summary>
    /// The same from a model run with edits: <paramref name="released"/> must behave as the file's weights alone (the
    /// zero-row form) and <paramref name="banned"/> as the file with the ban list applied (the −∞ variant). An
    /// experiment's variant checks its export this way against the run-time variant itself, as `unlearn generate` runs it.
    /// </summary>
    public static void Write(string folder, string ggufFile, LlamaModel model, ForwardOptions released, ForwardOptions banned,
        IReadOnlyList<int> bannedTokens, Tokenizer tokenizer, ClientCheckSettings settings)
    {
        var prompt = tokenizer.Encode(settings.Prompt).ToArray();
        int vocab = model.Shape.VocabSize;
        var logits = model.Forward(ForwardBatch.RightPadded([prompt]), options: released).Logits;
        var logProbs = new float[logits.Length];
        for (int t = 0; t < prompt.Length; t++)
        {
            LogSoftmax(logits.AsSpan(t * vocab, vocab), logProbs.AsSpan(t * vocab, vocab));
        }
        ExportFiles.WriteBytes(Path.Combine(folder, LogProbFileName), MemoryMarshal.AsBytes(logProbs.AsSpan()).ToArray());

        var request = new GenerationRequest { MaxNewTokens = settings.NewTokens, Sampling = new SamplingSettings { Temperature = 0f }, StopIds = [] };
        var greedy = new Generator(model, released).Generate([prompt], request)[0].NewIds;
        var greedyBanned = new Generator(model, banned).Generate([prompt], request)[0].NewIds;

        JsonArray Ids(IEnumerable<int> ids) => new(ids.Select(i => (JsonNode)i).ToArray());
        var json = new JsonObject
        {
            ["format"] = "unlearn-client-expectations",
            ["version"] = 1,
            ["gguf"] = ggufFile,
            ["vocab_size"] = vocab,
            ["prompt"] = settings.Prompt,
            ["prompt_ids"] = Ids(prompt),
            ["logprobs_file"] = LogProbFileName,
            ["logprob_tolerance"] = settings.LogProbTolerance,
            ["logprob_floor"] = double.IsNegativeInfinity(settings.LogProbFloor) ? null : settings.LogProbFloor,
            ["greedy_ids"] = Ids(greedy),
            ["greedy_margins"] = Margins(model, released, prompt, greedy),
            ["banned_ids"] = Ids(bannedTokens),
            ["greedy_banned_ids"] = Ids(greedyBanned),
            ["greedy_banned_margins"] = Margins(model, banned, prompt, greedyBanned),
            ["tokenizer"] = new JsonArray(settings.TokenizerStrings.Select(s => (JsonNode)new JsonObject
            {
                ["text"] = s,
                ["ids"] = Ids(tokenizer.Encode(s, addSpecialTokens: false, parseSpecialTokens: false)),
            }).ToArray()),
        };
        ExportFiles.WriteJson(Path.Combine(folder, FileName), json);
    }

    /// <summary>For each greedy step, the gap between the best and the second-best logit: a client whose arithmetic
    /// differs by ε may pick another token only where this gap is below 2ε.</summary>
    private static JsonArray Margins(LlamaModel model, ForwardOptions options, int[] prompt, int[] continuation)
    {
        var sequence = prompt.Concat(continuation).ToArray();
        var logits = model.Forward(ForwardBatch.RightPadded([sequence]), options: options).Logits;
        int vocab = model.Shape.VocabSize;
        var margins = new JsonArray();
        for (int k = 0; k < continuation.Length; k++)
        {
            var row = logits.AsSpan((prompt.Length - 1 + k) * vocab, vocab);
            float best = float.NegativeInfinity, second = float.NegativeInfinity;
            foreach (float v in row)
            {
                if (v > best)
                {
                    second = best;
                    best = v;
                }
                else if (v > second)
                {
                    second = v;
                }
            }
            margins.Add((JsonNode)Math.Round(best - second, 6));
        }
        return margins;
    }

    /// <summary>log-softmax with the log-sum-exp taken in double, maximum subtracted first; −∞ logits stay −∞.</summary>
    private static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        double logSum = Softmax.LogSumExpReference(logits);
        for (int i = 0; i < logits.Length; i++)
        {
            destination[i] = (float)(logits[i] - logSum);
        }
    }
}
