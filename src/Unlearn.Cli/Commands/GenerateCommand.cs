// `unlearn generate`: continue a prompt with a model folder, streaming text (or printing ids as JSON).
//   unlearn generate --model DIR --prompt TEXT [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
//                    [--chat [--chat-format F] [--date D]]
//   unlearn generate --model DIR --prompt-ids 1,5,9 --max-tokens N --temperature 0 --json
//   unlearn generate --experiment NAME --variant V [--prompt P] [--temperature T] [--seed S] [--max-tokens N] [--json]
//                    (GenerateCommand.Experiment.cs)
//   --model with [--backend managed|torch] [--device cpu|cuda[:N]]; --experiment runs on the managed backend
using System.CommandLine;
using System.Text.Json;
using Unlearn.Models;
using Unlearn.Models.Config;
using Unlearn.Models.Generation;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Cli.Commands;

internal static partial class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Hugging Face model folder (or --experiment with --variant)" };
        var experiment = new Option<string?>("--experiment") { Description = "Experiment name or YAML path: run one of its variants (needs --variant)" };
        var variant = new Option<string?>("--variant") { Description = "With --experiment: the variant (base, concept, hybrid+repair, forget-gradient, direction-removed, …)" };
        var root = CommonOptions.Root();
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text (encoded with the folder's tokenizer; BOS added as its config says)" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids (no tokenizer needed)" };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "New tokens at most (default: until a stop id or the end of the context)" };
        var temperature = new Option<float?>("--temperature") { Description = "0 = greedy (default: generation_config.json, else 1)" };
        var topK = new Option<int?>("--top-k") { Description = "Keep the k most likely tokens (default: generation_config.json, else off)" };
        var topP = new Option<float?>("--top-p") { Description = "Nucleus sampling threshold (default: generation_config.json, else 1)" };
        var repetition = new Option<float?>("--repetition-penalty") { Description = "transformers-style repetition penalty (default 1)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sampling stream (xoshiro256**; same seed, same text)", DefaultValueFactory = _ => 0 };
        var chat = new Option<bool>("--chat") { Description = "Wrap the prompt as a user turn in the model's chat format and print only the reply" };
        var chatFormat = ChatOptions.Format();
        var date = ChatOptions.Date();
        var json = new Option<bool>("--json") { Description = "Print {\"ids\": [...]} (prompt ids then new ids; the ending stop id is not included)" };
        var backend = CommonOptions.Backend();
        var device = CommonOptions.Device();
        var command = new Command("generate", "Continue a prompt with a model, streaming the text.")
        {
            model, prompt, promptIds, maxTokens, temperature, topK, topP, repetition, seed, chat, chatFormat, date, json, backend, device, experiment, variant, root,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            if (parse.GetValue(experiment) is { } experimentName)
            {
                if (parse.GetValue(model) is not null || parse.GetValue(promptIds) is not null || parse.GetValue(chat))
                {
                    throw new CommandLineException("--experiment runs a variant of that experiment's model: leave out --model, --prompt-ids and --chat (the experiment's chat format applies)");
                }
                if (parse.GetResult(backend) is { Implicit: false } || parse.GetResult(device) is { Implicit: false })
                {
                    // Variant edits (row masks, hooks, adapters) run through the managed forward pass; the stages are not yet on IModelRuntime (docs/backends.md).
                    throw new CommandLineException("--experiment runs the variant on the managed backend, as Evaluate does: leave out --backend and --device");
                }
                return RunVariant(new VariantRequest(experimentName, parse.GetValue(variant), parse.GetValue(root), parse.GetValue(prompt),
                    parse.GetValue(maxTokens), parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed), parse.GetValue(json)));
            }
            if (parse.GetValue(model) is null)
            {
                throw new CommandLineException("give --model DIR, or --experiment NAME --variant V");
            }
            if (parse.GetValue(variant) is not null)
            {
                throw new CommandLineException("--variant needs --experiment NAME");
            }
            string? text = parse.GetValue(prompt);
            string? idsText = parse.GetValue(promptIds);
            if ((text is null) == (idsText is null))
            {
                throw new CommandLineException("give exactly one of --prompt TEXT or --prompt-ids 1,5,9");
            }
            bool asChat = parse.GetValue(chat);
            if (asChat && idsText is not null)
            {
                throw new CommandLineException("--chat needs --prompt TEXT (a chat turn is text)");
            }
            if (!asChat && (parse.GetResult(chatFormat) is { Implicit: false } || parse.GetResult(date) is { Implicit: false }))
            {
                throw new CommandLineException("--chat-format and --date apply to --chat");
            }
            bool asJson = parse.GetValue(json);
            using var loaded = PretrainedModel.Load(parse.GetValue(model)!, new ModelLoadOptions { LoadTokenizer = idsText is null || !asJson, Runtime = CommonOptions.Runtime(parse, backend, device) });
            int[] ids = idsText is not null ? IdList.Parse(idsText, "--prompt-ids")
                : Encode(loaded, text!, asChat ? (parse.GetValue(chatFormat), parse.GetValue(date)!) : null);
            int limit = loaded.Runtime.Shape.MaxPositions - ids.Length;
            if (limit <= 0)
            {
                throw new CommandLineException($"the prompt has {ids.Length} tokens; the model takes {loaded.Runtime.Shape.MaxPositions} positions");
            }
            var request = new GenerationRequest
            {
                MaxNewTokens = Math.Min(parse.GetValue(maxTokens) ?? limit, limit),
                Sampling = Sampling(loaded.Generation, parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(repetition)),
                Seed = parse.GetValue(seed),
                StopIds = loaded.StopIds,
            };
            if (asJson)
            {
                var result = new Generator(loaded.Runtime).Generate([ids], request)[0];
                Console.Out.WriteLine(JsonSerializer.Serialize(new { ids = result.PromptIds.Concat(result.NewIds) }));
                return ExitCodes.Success;
            }
            Stream(loaded, ids, request, printPrompt: !asChat);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int[] Encode(PretrainedModel loaded, string text, (string? Format, string Date)? chat)
    {
        var tokenizer = loaded.RequireTokenizer();
        if (chat is not { } settings)
        {
            return tokenizer.Encode(text).ToArray();
        }
        var template = ChatOptions.Resolve(tokenizer, settings.Format, settings.Date);
        return tokenizer.RenderChat([ChatMessage.User(text)], addGenerationPrompt: true, template).Ids.ToArray();
    }

    private static SamplingSettings Sampling(GenerationDefaults defaults, float? temperature, int? topK, float? topP, float? repetition)
    {
        bool sampleByDefault = defaults.DoSample ?? true;
        var settings = new SamplingSettings
        {
            Temperature = temperature ?? (sampleByDefault ? (float)(defaults.Temperature ?? 1.0) : 0f),
            TopK = topK ?? defaults.TopK ?? 0,
            TopP = topP ?? (float)(defaults.TopP ?? 1.0),
            RepetitionPenalty = repetition ?? (float)(defaults.RepetitionPenalty ?? 1.0),
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CommandLineException(e.Message);
        }
        return settings;
    }

    // Prints the prompt (unless it is a chat turn) and then each piece of text as soon as it is complete.
    private static void Stream(PretrainedModel loaded, int[] ids, GenerationRequest request, bool printPrompt)
    {
        var tokenizer = loaded.RequireTokenizer();
        var decoder = tokenizer.CreateIncrementalDecoder(skipSpecialTokens: true);
        foreach (var id in ids)
        {
            string piece = decoder.Push(id);
            if (printPrompt)
            {
                Console.Out.Write(piece);
            }
        }
        Console.Out.Flush();
        new Generator(loaded.Runtime).Generate([ids], request, token =>
        {
            Console.Out.Write(decoder.Push(token.TokenId));
            Console.Out.Flush();
        });
        Console.Out.Write(decoder.Flush());
        Console.Out.WriteLine();
    }
}
