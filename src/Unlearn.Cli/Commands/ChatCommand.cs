// `unlearn chat --experiment NAME [--variant V] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--max-tokens N] [--json]`:
// talk to a variant of an experiment, replies streamed as they are generated, with the experiment's edits toggled on
// and off (/ablate or Ctrl+A switch between the variant and base). The session (model, variants, turns, seeds) is
// Unlearn.Experiments.Chat.ChatSession; this file parses and opens it, ChatCommand.Loop.cs reads and answers, and
// Terminal/ holds the key-by-key editor and the piped mode. Defaults are Evaluate's, as for `generate --experiment`.
using System.CommandLine;
using Unlearn.Cli.Terminal;
using Unlearn.Experiments.Chat;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Variants;
using Unlearn.Models.Generation;

namespace Unlearn.Cli.Commands;

internal static partial class ChatCommand
{
    public static Command Create()
    {
        var experiment = new Option<string>("--experiment") { Description = "Experiment name or YAML path", Required = true };
        var variant = new Option<string?>("--variant") { Description = "The variant whose edits /ablate toggles (default: the first of evaluate.variants other than base)" };
        var temperature = new Option<float?>("--temperature") { Description = "0 = greedy (default: evaluate.temperature); the same with the edits on and off" };
        var topK = new Option<int?>("--top-k") { Description = "Keep the k most likely tokens (default: evaluate.top_k)" };
        var topP = new Option<float?>("--top-p") { Description = "Nucleus sampling threshold (default: evaluate.top_p)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed S: each reply samples with S + its turn index, whichever variant answers", DefaultValueFactory = _ => 0 };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "New tokens per reply at most (default: evaluate.max_new_tokens)" };
        var json = new Option<bool>("--json") { Description = "Read messages from stdin and print each reply as one JSON object (turn, variant, seed, prompt, new_ids, text, stop)" };
        var root = CommonOptions.Root();
        var command = new Command("chat", "Talk to a variant of an experiment; /ablate or Ctrl+A toggles its edits (docs/cli.md).")
        {
            experiment, variant, temperature, topK, topP, seed, maxTokens, json, root,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var graph = ExperimentGraph.Open(new GraphOptions { Experiment = parse.GetValue(experiment)!, RepositoryRoot = parse.GetValue(root) });
            var settings = Settings(graph.Config.Evaluate, parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(maxTokens), parse.GetValue(seed));
            string variantName = parse.GetValue(variant) ?? DefaultVariant(graph.Config.Evaluate);
            ChatSession session;
            try
            {
                session = ChatSession.Open(graph, variantName, settings);
            }
            catch (VariantException e)
            {
                throw new BadInputException(e.Message);
            }
            catch (StageEntryMissingException e)
            {
                throw new BadInputException($"{e.Message} (or ./build.sh --experiment {graph.Config.Name}, which builds every variant the experiment evaluates)");
            }
            using (session)
            {
                bool terminal = !parse.GetValue(json) && !Console.IsInputRedirected && !Console.IsOutputRedirected;
                if (terminal)
                {
                    using var console = new TerminalChatConsole();
                    return Converse(session, console);
                }
                return Converse(session, new PipedChatConsole(Console.In, Console.Out, Console.Error, parse.GetValue(json)));
            }
        }));
        return command;
    }

    /// <summary>The first variant Evaluate lists other than base; base when it lists no other.</summary>
    private static string DefaultVariant(EvaluateConfig evaluate) =>
        evaluate.Variants.Select(VariantResolver.NameOf).FirstOrDefault(v => v != ChatSession.BaseVariant) ?? ChatSession.BaseVariant;

    private static ChatSettings Settings(EvaluateConfig evaluate, float? temperature, int? topK, float? topP, int? maxTokens, ulong seed)
    {
        var sampling = new SamplingSettings
        {
            Temperature = temperature ?? (float)evaluate.Temperature,
            TopK = topK ?? evaluate.TopK,
            TopP = topP ?? (float)evaluate.TopP,
        };
        try
        {
            sampling.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CommandLineException(e.Message);
        }
        int limit = maxTokens ?? evaluate.MaxNewTokens;
        if (limit < 1)
        {
            throw new CommandLineException($"--max-tokens must be at least 1 (got {limit})");
        }
        return new ChatSettings(sampling, limit, seed);
    }
}
