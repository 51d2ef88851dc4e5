// `unlearn generate --experiment NAME --variant V [--prompt P] [--temperature T] [--seed S] [--max-tokens N] [--json]`:
// continues a prompt with one variant of an experiment, resolved from the experiment's current store entries exactly
// as Evaluate resolves it (VariantSession). Defaults are Evaluate's: its first prompt, temperature, top-k, top-p and
// max_new_tokens. A stage the variant needs that is not built for the current configuration is refused with the
// command that builds it (exit 3). --json prints {"variant", "prompt", "ids", "new_ids", "text", "stop", "edits"}.
using System.Text.Json;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Variants;
using Unlearn.Models.Generation;

namespace Unlearn.Cli.Commands;

internal static partial class GenerateCommand
{
    private sealed record VariantRequest(
        string Experiment, string? Variant, string? Root, string? Prompt, int? MaxTokens, float? Temperature, int? TopK, float? TopP, ulong Seed, bool Json);

    private static int RunVariant(VariantRequest request)
    {
        if (request.Variant is null)
        {
            throw new CommandLineException("--experiment needs --variant V (e.g. base, hybrid+repair, forget-gradient)");
        }
        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = request.Experiment, RepositoryRoot = request.Root });
        VariantSession session;
        try
        {
            session = VariantSession.Open(graph, request.Variant);
        }
        catch (Exception e) when (e is VariantException or StageEntryMissingException)
        {
            throw new BadInputException(e.Message);
        }
        using (session)
        {
            string prompt = request.Prompt ?? session.DefaultPrompt;
            var ids = session.Encode(prompt);
            int limit = session.Model.Shape.MaxPositions - ids.Length;
            if (limit <= 0)
            {
                throw new CommandLineException($"the prompt has {ids.Length} tokens; the model takes {session.Model.Shape.MaxPositions} positions");
            }
            var defaults = session.Sampling;
            var sampling = new SamplingSettings
            {
                Temperature = request.Temperature ?? defaults.Temperature,
                TopK = request.TopK ?? defaults.TopK,
                TopP = request.TopP ?? defaults.TopP,
            };
            try
            {
                sampling.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CommandLineException(e.Message);
            }
            var generation = new GenerationRequest
            {
                MaxNewTokens = Math.Min(request.MaxTokens ?? session.Config.Evaluate.MaxNewTokens, limit),
                Sampling = sampling,
                Seed = request.Seed,
                StopIds = session.Pretrained.StopIds,
            };
            var generator = new Generator(session.Model, session.Variant.Options);
            var tokenizer = session.Pretrained.RequireTokenizer();
            if (request.Json)
            {
                var result = generator.Generate([ids], generation)[0];
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    variant = session.Variant.Name,
                    prompt,
                    ids = result.PromptIds.Concat(result.NewIds),
                    new_ids = result.NewIds,
                    text = tokenizer.Decode(result.NewIds, skipSpecialTokens: true),
                    stop = result.StopReason.ToString(),
                    edits = session.Variant.Edits.Select(e => $"{e.Stage}: {e.Summary}"),
                }));
                return ExitCodes.Success;
            }
            var decoder = tokenizer.CreateIncrementalDecoder(skipSpecialTokens: true);
            foreach (var id in ids)
            {
                Console.Out.Write(decoder.Push(id));
            }
            generator.Generate([ids], generation, token => Console.Out.Write(decoder.Push(token.TokenId)));
            Console.Out.Write(decoder.Flush());
            Console.Out.WriteLine();
            return ExitCodes.Success;
        }
    }
}
