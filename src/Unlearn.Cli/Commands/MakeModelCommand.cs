// `unlearn make-model`: a small random-weight model folder with a real tokenizer, for checking a runtime or an export
// (llama.cpp's gpt2 vocabulary path, Qwen2 biases, llama3 RoPE scaling) without downloading weights.
//   unlearn make-model --like llama3|qwen2 --tokenizer DIR [--vocab-size N] [--attention-bias] [--seed S] --out DIR
// Weights are seeded (same seed, same bytes); the tokenizer folder's tokenizer files are copied beside them.
using System.CommandLine;
using System.Text.Json.Nodes;
using Unlearn.Models;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Tokenizers;

namespace Unlearn.Cli.Commands;

internal static class MakeModelCommand
{
    private static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json", "special_tokens_map.json", "tokenizer_config.json", "chat_template.jinja"];

    public static Command Create()
    {
        var like = new Option<string>("--like") { Description = "llama3 (Llama 3.2 style: GQA, llama3 RoPE scaling, tied embeddings) or qwen2 (q/k/v bias, untied)", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Tokenizer folder to copy (its vocabulary size sets vocab_size)", Required = true };
        var vocabSize = new Option<int?>("--vocab-size") { Description = "vocab_size when larger than the tokenizer's (Qwen2.5 pads to 151936)" };
        var bias = new Option<bool>("--attention-bias") { Description = "llama3: give q/k/v/o biases (attention_bias: true)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weights", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Model folder to write", Required = true };
        var command = new Command("make-model", "Write a small random-weight model folder with a real tokenizer (for checks).") { like, tokenizer, vocabSize, bias, seed, output };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            string tokenizerFolder = parse.GetValue(tokenizer)!;
            var loaded = Tokenizer.Load(tokenizerFolder);
            int vocab = Math.Max(parse.GetValue(vocabSize) ?? 0, loaded.VocabSize);
            var shape = parse.GetValue(like) switch
            {
                "llama3" => new TransformerShape
                {
                    Architecture = "LlamaForCausalLM", HiddenSize = 64, IntermediateSize = 160, LayerCount = 2, HeadCount = 4, KvHeadCount = 2,
                    HeadDim = 16, VocabSize = vocab, RmsNormEps = 1e-5f, RopeTheta = 500000, RopeScaling = new Llama3RopeScaling(32, 1, 4, 8192),
                    TiedEmbeddings = true, QkvBias = parse.GetValue(bias), OutputBias = parse.GetValue(bias), MaxPositions = 4096,
                },
                "qwen2" => new TransformerShape
                {
                    Architecture = "Qwen2ForCausalLM", HiddenSize = 64, IntermediateSize = 176, LayerCount = 2, HeadCount = 4, KvHeadCount = 1,
                    HeadDim = 16, VocabSize = vocab, RmsNormEps = 1e-6f, RopeTheta = 1000000, TiedEmbeddings = false, QkvBias = true, MaxPositions = 4096,
                },
                var other => throw new CommandLineException($"--like: '{other}' is not llama3 or qwen2"),
            };
            string folder = parse.GetValue(output)!;
            // A standard deviation of 0.1 makes the next-token distribution peaked enough that greedy steps have clear winners.
            using (var model = RandomModel.Create(shape, ManagedGemm.Instance, parse.GetValue(seed), scale: 0.1f))
            {
                ModelFolderWriter.Write(model, folder);
            }
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
            var generation = new JsonObject();
            foreach (var (key, id) in new[] { ("bos_token_id", loaded.BosId), ("eos_token_id", loaded.EosId) })
            {
                config[key] = id;
                generation[key] = id;
            }
            File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            File.WriteAllText(Path.Combine(folder, "generation_config.json"), generation.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            foreach (var file in TokenizerFiles.Select(f => Path.Combine(tokenizerFolder, f)).Where(File.Exists))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
            }
            Console.Out.WriteLine($"wrote {Path.GetFullPath(folder)}: {shape.Architecture}, vocab {vocab}, {shape.LayerCount} layers × {shape.HiddenSize}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
