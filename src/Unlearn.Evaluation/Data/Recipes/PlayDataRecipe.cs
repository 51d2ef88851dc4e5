// The "play" recipe: the model-generated part of data/play/ for the default experiment (stories260K, concept
// "play"). It writes
//   ../play-concept-def.json   the concept in the seed format: the four inflections and the 16 candidate prompts the
//                      base model continues with a target term most often (measured, see below);
//   background.jsonl   held-out stories for perplexity: the base model's own complete stories from fixed openers
//                      and seeds, keeping only those with no target term and no word starting with "play", until
//                      they hold at least 20,000 tokens;
//   recipe.json        every parameter and measurement: the weights' SHA-256, each candidate's measured rate.
// Prompt selection samples 32 completions of ≤ 64 tokens per candidate under seed 1000 — a seed the evaluation
// does not use, so the evaluation's own samples are fresh draws — and keeps the 16 highest rates (ties by list
// order) among those ≥ 0.5, in list order. Background stories use seeds 7000, 7001, … so they are not the
// samples BuildExamples mines. Same weights and GEMM provider → byte-identical files.
using System.Text.Json;
using Unlearn.Evaluation.Completions;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Methods.Text;
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using static Unlearn.Evaluation.Data.Recipes.RecipeFiles;

namespace Unlearn.Evaluation.Data.Recipes;

public sealed partial class PlayDataRecipe : IDataRecipe
{
    /// <summary>The evaluation data folder under the data root (`--out data` writes data/play/...).</summary>
    public const string FolderName = "play";

    /// <summary>The concept definition (seed format) the experiment's concept.definition points at, beside the folder.</summary>
    public const string ConceptDefinitionName = "play-concept-def.json";

    public const ulong SelectionSeed = 1000;
    public const int SelectionSamples = 32;
    public const int SelectionMaxNewTokens = 64;
    public const int PromptsToKeep = 16;
    public const double MinimumRate = 0.5;
    public const ulong FirstBackgroundSeed = 7000;
    public const int BackgroundSamplesPerOpener = 16;
    public const int BackgroundMaxNewTokens = 400;
    public const int BackgroundMinNewTokens = 40;
    public const int BackgroundTokenTarget = 20_000;
    public const int MaxBackgroundRounds = 20;

    /// <summary>Pinned (not the evaluation default) because it is part of the sampling layout the committed files came from.</summary>
    public const int GenerationBatchSize = 512;

    /// <summary>Words starting with "play" (playground, playful …): kept out of the background as well.</summary>
    public const string DerivedWordPattern = @"play\w*";

    public string Name => "play";

    public string Description => "data/play for the default experiment: concept prompts chosen by the base model's measured rate, held-out background stories";

    public IReadOnlyList<GeneratedFile> Build(PretrainedModel model, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var tokenizer = model.RequireTokenizer();
        var sampler = new CompletionSampler(model.Runtime, tokenizer, model.StopIds);
        var terms = new TermMatcher(Terms);
        var derived = new LeakMatcher([DerivedWordPattern]);
        foreach (var text in CandidatePrompts.Concat(StoryOpeners))
        {
            if (derived.IsMatch(text))
            {
                throw new InvalidOperationException($"The hand-written text '{text}' mentions the concept; recipe inputs must not.");
            }
        }

        progress?.Report($"measuring {CandidatePrompts.Count} candidate prompts × {SelectionSamples} samples");
        var selection = new EvaluationSettings
        {
            SamplesPerPrompt = SelectionSamples,
            Seeds = [SelectionSeed],
            MaxNewTokens = SelectionMaxNewTokens,
            GenerationBatchSize = GenerationBatchSize,
        };
        var completions = sampler.Sample(CandidatePrompts, "prompt-selection", selection, ForwardOptions.Default, cancellationToken: cancellationToken);
        var rates = CandidatePrompts.Select((_, p) => completions.Where(c => c.PromptIndex == p).Average(c => terms.IsMatch(c.Text) ? 1.0 : 0.0)).ToArray();
        var kept = Enumerable.Range(0, rates.Length)
            .Where(p => rates[p] >= MinimumRate)
            .OrderByDescending(p => rates[p]).ThenBy(p => p)
            .Take(PromptsToKeep)
            .Order()
            .ToList();
        if (kept.Count < PromptsToKeep / 2)
        {
            throw new InvalidOperationException($"Only {kept.Count} candidate prompts reach a target rate of {MinimumRate}; this model does not write about the concept enough for the recipe.");
        }

        var plan = new BackgroundStoryPlan(StoryOpeners, FirstBackgroundSeed, BackgroundSamplesPerOpener, BackgroundMaxNewTokens, BackgroundMinNewTokens,
            BackgroundTokenTarget, MaxBackgroundRounds, GenerationBatchSize);
        var (stories, total, rounds) = BackgroundStories.Collect(plan, sampler, tokenizer, text => derived.IsMatch(text) || terms.IsMatch(text), progress, cancellationToken);
        progress?.Report($"kept {kept.Count} prompts and {stories.Count} background stories ({total} tokens)");

        return
        [
            new GeneratedFile(ConceptDefinitionName, ConceptDefinitionJson(kept.Select(p => CandidatePrompts[p]).ToList())),
            new GeneratedFile($"{FolderName}/{EvaluationDataFolder.BackgroundFile}", TextLines(stories.Select(s => s.Text))),
            new GeneratedFile($"{FolderName}/recipe.json", RecipeJson(model, rates, kept, stories.Count, total, rounds)),
        ];
    }

    private static byte[] ConceptDefinitionJson(IReadOnlyList<string> prompts) => Json(w =>
    {
        w.WriteStartObject();
        Strings(w, ConceptDefinition.TermsField, Terms);
        Strings(w, ConceptDefinition.PromptsField, prompts);
        w.WriteEndObject();
    });

    private static byte[] RecipeJson(PretrainedModel model, double[] rates, List<int> kept, int stories, int tokens, int rounds) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("recipe", "play");
        w.WriteString("made_by", "unlearn make-data play --model <folder> --out <data root> (src/Unlearn.Evaluation/Data/Recipes/PlayDataRecipe.cs)");
        Provenance(w, model);
        w.WriteStartObject("prompt_selection");
        w.WriteNumber("seed", SelectionSeed);
        w.WriteNumber("samples_per_candidate", SelectionSamples);
        w.WriteNumber("max_new_tokens", SelectionMaxNewTokens);
        w.WriteNumber("temperature", 1);
        w.WriteNumber("generation_batch_size", GenerationBatchSize);
        w.WriteNumber("keep", PromptsToKeep);
        w.WriteNumber("minimum_rate", MinimumRate);
        w.WriteStartArray("candidates");
        for (int p = 0; p < CandidatePrompts.Count; p++)
        {
            w.WriteStartObject();
            w.WriteString("prompt", CandidatePrompts[p]);
            w.WriteNumber("target_rate", rates[p]);
            w.WriteBoolean("kept", kept.Contains(p));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("background");
        w.WriteNumber("first_seed", FirstBackgroundSeed);
        w.WriteNumber("rounds", rounds);
        w.WriteNumber("samples_per_opener", BackgroundSamplesPerOpener);
        w.WriteNumber("max_new_tokens", BackgroundMaxNewTokens);
        w.WriteNumber("min_new_tokens", BackgroundMinNewTokens);
        w.WriteString("excluded", $"stories that did not end with a stop id, or contain a target term or a match of '{DerivedWordPattern}', or repeat an earlier story");
        w.WriteNumber("stories", stories);
        w.WriteNumber("tokens", tokens);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
