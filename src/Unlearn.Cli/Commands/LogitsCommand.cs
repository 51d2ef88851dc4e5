// `unlearn logits`: the logits of every position of an id sequence.
//   unlearn logits --model DIR --ids 1,5,9 [--json] [--backend managed|torch] [--device cpu|cuda[:N]]
//   JSON: {"logits": [[...], ...]} (one row per position)
using System.CommandLine;
using System.Text.Json;
using Unlearn.Models;
using Unlearn.Models.Transformer;

namespace Unlearn.Cli.Commands;

internal static class LogitsCommand
{
    private static readonly JsonSerializerOptions DisplayJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model folder", Required = true };
        var ids = new Option<string>("--ids") { Description = "Comma-separated token ids, e.g. 1,5,9", Required = true };
        var json = new Option<bool>("--json") { Description = "Print every logit as {\"logits\": [[...], ...]}" };
        var top = new Option<int>("--top") { Description = "Without --json: how many of the largest logits to show per position", DefaultValueFactory = _ => 5 };
        var backend = CommonOptions.Backend();
        var device = CommonOptions.Device();
        var command = new Command("logits", "Print the logits of every position of a token sequence.") { model, ids, json, top, backend, device };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var tokens = IdList.Parse(parse.GetValue(ids)!, "--ids");
            bool asJson = parse.GetValue(json);
            var runtime = CommonOptions.Runtime(parse, backend, device);
            using var loaded = PretrainedModel.Load(parse.GetValue(model)!, new ModelLoadOptions { LoadTokenizer = !asJson, Runtime = runtime });
            int vocab = loaded.Runtime.Shape.VocabSize;
            foreach (var id in tokens)
            {
                if (id >= vocab)
                {
                    throw new CommandLineException($"--ids: {id} is outside the model's vocabulary [0, {vocab})");
                }
            }
            var result = loaded.Runtime.Forward(ForwardBatch.RightPadded([tokens]));
            if (asJson)
            {
                WriteJson(result, tokens.Length);
                return ExitCodes.Success;
            }
            int k = Math.Clamp(parse.GetValue(top), 1, vocab);
            for (int t = 0; t < tokens.Length; t++)
            {
                var row = result.Row(t).ToArray();
                var best = Enumerable.Range(0, vocab).OrderByDescending(i => row[i]).ThenBy(i => i).Take(k);
                string Show(int i) => loaded.Tokenizer?.IdToToken(i) is { } s ? $"{i} {JsonSerializer.Serialize(s, DisplayJson)}" : i.ToString();
                Console.Out.WriteLine($"{t,4}  id {tokens[t],-7} top: {string.Join(", ", best.Select(i => $"{Show(i)} {row[i]:F4}"))}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void WriteJson(ForwardResult result, int positions)
    {
        using var stdout = Console.OpenStandardOutput();
        using var writer = new Utf8JsonWriter(stdout);
        writer.WriteStartObject();
        writer.WriteStartArray("logits");
        for (int t = 0; t < positions; t++)
        {
            writer.WriteStartArray();
            foreach (var value in result.Row(t))
            {
                writer.WriteNumberValue(value);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
