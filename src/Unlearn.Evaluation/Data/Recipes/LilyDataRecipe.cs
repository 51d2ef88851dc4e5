// The "lily" recipe: the model-generated part of the forgetting experiment's data (experiments/forget-stories260K.yaml;
// stories260K's favourite protagonist, "Lily"). It writes
//   ../lily-concept-def.json        the concept ("Lily") and its test prompts: the forget prompts, kept from
//                                   CandidateForgetPrompts by the base model's measured rate of writing "Lily";
//   forget-lily/training/forget-prompts.json   the same forget prompts (what repair.forget trains on);
//   forget-lily/training/retain-prompts.json   the hand-written retain prompts (other characters, unrelated openings);
//   forget-lily/leak-probes.json    the held-out paraphrases (never trained on; kept from CandidateParaphrases by the
//                                   same measurement), the leak patterns and the related entities;
//   forget-lily/background.jsonl    held-out base-model stories without any leak pattern or entity, ≥ 20,000 tokens;
//   forget-lily/recipe.json         every parameter and measurement (weights' SHA-256, each candidate's rate).
// Rates are measured on 32 samples of ≤ 48 tokens per candidate under seed 1000 (a seed the evaluation does not use);
// a candidate is kept when it reaches MinimumRate, the forget prompts limited to ForgetPromptsToKeep by rate (ties by
// list order), in list order. Background stories use seeds 8000, 8001, … Same weights and GEMM → byte-identical files.
using System.Text.Json;
using Unlearn.Evaluation.Completions;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using static Unlearn.Evaluation.Data.Recipes.RecipeFiles;

namespace Unlearn.Evaluation.Data.Recipes;

public sealed partial class LilyDataRecipe : IDataRecipe
{
    public const string FolderName = "forget-lily";
    public const string ConceptDefinitionName = "lily-concept-def.json";
    public const string ForgetPromptsFile = "training/forget-prompts.json";
    public const string RetainPromptsFile = "training/retain-prompts.json";

    public const ulong SelectionSeed = 1000;
    public const int SelectionSamples = 32;
    public const int SelectionMaxNewTokens = 48;
    public const double MinimumRate = 0.4;
    public const int ForgetPromptsToKeep = 12;
    public const ulong FirstBackgroundSeed = 8000;
    public const int BackgroundSamplesPerOpener = 16;
    public const int BackgroundMaxNewTokens = 400;
    public const int BackgroundMinNewTokens = 40;
    public const int BackgroundTokenTarget = 20_000;
    public const int MaxBackgroundRounds = 30;
    public const int GenerationBatchSize = 512;

    public string Name => "lily";

    public string Description => "data/forget-lily for the forgetting experiment: forget prompts and held-out paraphrases chosen by the base model's measured rate of writing \"Lily\", background stories without it";

    public IReadOnlyList<GeneratedFile> Build(PretrainedModel model, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var tokenizer = model.RequireTokenizer();
        var sampler = new CompletionSampler(model.Runtime, tokenizer, model.StopIds);
        var leak = new LeakMatcher(LeakPatterns, Entities);
        foreach (var text in CandidateForgetPrompts.Concat(CandidateParaphrases).Concat(RetainPrompts).Concat(StoryOpeners))
        {
            if (leak.IsMatch(text))
            {
                throw new InvalidOperationException($"The hand-written text '{text}' mentions the concept; recipe inputs must not.");
            }
        }
        foreach (var paraphrase in CandidateParaphrases.Where(CandidateForgetPrompts.Contains))
        {
            throw new InvalidOperationException($"'{paraphrase}' is both a forget prompt and a held-out paraphrase.");
        }

        var forgetRates = Rates(sampler, CandidateForgetPrompts, leak, "forget prompts", progress, cancellationToken);
        var paraphraseRates = Rates(sampler, CandidateParaphrases, leak, "paraphrases", progress, cancellationToken);
        var forget = Enumerable.Range(0, forgetRates.Length).Where(p => forgetRates[p] >= MinimumRate)
            .OrderByDescending(p => forgetRates[p]).ThenBy(p => p).Take(ForgetPromptsToKeep).Order().ToList();
        var paraphrases = Enumerable.Range(0, paraphraseRates.Length).Where(p => paraphraseRates[p] >= MinimumRate).ToList();
        if (forget.Count < 6 || paraphrases.Count < 6)
        {
            throw new InvalidOperationException($"Only {forget.Count} forget prompts and {paraphrases.Count} paraphrases reach a rate of {MinimumRate}; this model does not write \"Lily\" enough for the recipe.");
        }
        var forgetPrompts = forget.Select(p => CandidateForgetPrompts[p]).ToList();
        var heldOut = paraphrases.Select(p => CandidateParaphrases[p]).ToList();
        var plan = new BackgroundStoryPlan(StoryOpeners, FirstBackgroundSeed, BackgroundSamplesPerOpener, BackgroundMaxNewTokens, BackgroundMinNewTokens,
            BackgroundTokenTarget, MaxBackgroundRounds, GenerationBatchSize);
        var (stories, tokens, rounds) = BackgroundStories.Collect(plan, sampler, tokenizer, leak.IsMatch, progress, cancellationToken);
        progress?.Report($"kept {forgetPrompts.Count} forget prompts, {heldOut.Count} paraphrases and {stories.Count} background stories ({tokens} tokens)");

        return
        [
            new GeneratedFile(ConceptDefinitionName, Json(w =>
            {
                w.WriteStartObject();
                Strings(w, ConceptDefinition.TermsField, Terms);
                Strings(w, ConceptDefinition.PromptsField, forgetPrompts);
                w.WriteEndObject();
            })),
            new GeneratedFile($"{FolderName}/{ForgetPromptsFile}", Json(w => StringArray(w, forgetPrompts))),
            new GeneratedFile($"{FolderName}/{RetainPromptsFile}", Json(w => StringArray(w, RetainPrompts))),
            new GeneratedFile($"{FolderName}/{EvaluationDataFolder.LeakProbesFile}", Json(w =>
            {
                w.WriteStartObject();
                Strings(w, "prompts", heldOut);
                Strings(w, "patterns", LeakPatterns);
                Strings(w, "entities", Entities);
                w.WriteEndObject();
            })),
            new GeneratedFile($"{FolderName}/{EvaluationDataFolder.BackgroundFile}", TextLines(stories.Select(story => story.Text))),
            new GeneratedFile($"{FolderName}/recipe.json", RecipeJson(model, forgetRates, forget, paraphraseRates, paraphrases, stories.Count, tokens, rounds)),
        ];
    }

    private static double[] Rates(CompletionSampler sampler, IReadOnlyList<string> prompts, LeakMatcher leak, string what, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        progress?.Report($"measuring {prompts.Count} candidate {what} × {SelectionSamples} samples");
        var settings = new EvaluationSettings
        {
            SamplesPerPrompt = SelectionSamples,
            Seeds = [SelectionSeed],
            MaxNewTokens = SelectionMaxNewTokens,
            GenerationBatchSize = GenerationBatchSize,
        };
        var completions = sampler.Sample(prompts, "selection", settings, ForwardOptions.Default, cancellationToken: cancellationToken);
        return prompts.Select((_, p) => completions.Where(c => c.PromptIndex == p).Average(c => leak.IsMatch(c.Text) ? 1.0 : 0.0)).ToArray();
    }

    private static byte[] RecipeJson(PretrainedModel model, double[] forgetRates, List<int> forget, double[] paraphraseRates, List<int> paraphrases, int stories, int tokens, int rounds) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("recipe", "lily");
        w.WriteString("made_by", "unlearn make-data lily --model <folder> --out <data root> (src/Unlearn.Evaluation/Data/Recipes/LilyDataRecipe.cs)");
        Provenance(w, model);
        w.WriteStartObject("selection");
        w.WriteNumber("seed", SelectionSeed);
        w.WriteNumber("samples_per_candidate", SelectionSamples);
        w.WriteNumber("max_new_tokens", SelectionMaxNewTokens);
        w.WriteNumber("temperature", 1);
        w.WriteNumber("generation_batch_size", GenerationBatchSize);
        w.WriteNumber("minimum_rate", MinimumRate);
        w.WriteNumber("forget_prompts_to_keep", ForgetPromptsToKeep);
        w.WriteString("rate", "share of completions matching a leak pattern or entity");
        Candidates(w, "forget_candidates", CandidateForgetPrompts, forgetRates, forget);
        Candidates(w, "paraphrase_candidates", CandidateParaphrases, paraphraseRates, paraphrases);
        w.WriteEndObject();
        w.WriteStartObject("background");
        w.WriteNumber("first_seed", FirstBackgroundSeed);
        w.WriteNumber("rounds", rounds);
        w.WriteNumber("samples_per_opener", BackgroundSamplesPerOpener);
        w.WriteNumber("max_new_tokens", BackgroundMaxNewTokens);
        w.WriteNumber("min_new_tokens", BackgroundMinNewTokens);
        w.WriteString("excluded", "stories that did not end with a stop id, or match a leak pattern or entity, or repeat an earlier story");
        w.WriteNumber("stories", stories);
        w.WriteNumber("tokens", tokens);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void Candidates(Utf8JsonWriter w, string name, IReadOnlyList<string> prompts, double[] rates, List<int> kept)
    {
        w.WriteStartArray(name);
        for (int p = 0; p < prompts.Count; p++)
        {
            w.WriteStartObject();
            w.WriteString("prompt", prompts[p]);
            w.WriteNumber("rate", rates[p]);
            w.WriteBoolean("kept", kept.Contains(p));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
