// The closed sets of values the experiment schema accepts, with their YAML spellings.
namespace Unlearn.Experiments.Schema;

public enum ChatFormat
{
    [Choice("auto", Doc = "recognised from the tokenizer's chat template (chat_template.jinja or tokenizer_config.json); plain when it has none, an error when it is none of these")] Auto,
    [Choice("llama3", Doc = "Meta-Llama-3 Instruct (3.0): no system block unless a system message is given")] Llama3,
    [Choice("llama3.1", Doc = "Llama 3.1 / 3.2 / 3.3 Instruct: always a system block 'Cutting Knowledge Date: December 2023 / Today Date: <chat_date>'; contents trimmed")] Llama31,
    [Choice("llama2", Doc = "Llama 2 chat: [INST] ... [/INST], system message in <<SYS>>")] Llama2,
    [Choice("chatml", Doc = "ChatML as Qwen2.5 writes it: its default system prompt when the conversation has none")] ChatMl,
    [Choice("chatml-plain", Doc = "ChatML without a default system prompt")] ChatMlPlain,
    [Choice("plain", Doc = "no template: prompts are fed as raw text")] Plain,
}

/// <summary>Hook sites, named as in DESIGN.md §5 (layers.{i}.SITE).</summary>
public enum HookSite
{
    [Choice("input", Doc = "block input")] Input,
    [Choice("attn.out", Doc = "o_proj output (residual width)")] AttnOut,
    [Choice("mlp.act", Doc = "down_proj input, the MLP neurons (intermediate width)")] MlpAct,
    [Choice("mlp.out", Doc = "down_proj output (residual width)")] MlpOut,
    [Choice("residual", Doc = "block output")] Residual,
}

public enum Pooling
{
    [Choice("mean", Doc = "mean over the text's token positions")] Mean,
    [Choice("last", Doc = "the last token position")] Last,
    [Choice("tokens", Doc = "no pooling: every position is kept (sharded)")] Tokens,
}

public enum SaliencyMethod
{
    [Choice("l1-logistic", Doc = "L1-regularised logistic regression probe, score |w_j|")] L1Logistic,
    [Choice("diff-means", Doc = "|mean_concept - mean_background| / pooled std")] DiffMeans,
    [Choice("gradient", Doc = "|gradient x activation| of the concept-form tokens' log-likelihood, contrasted with the background's")] Gradient,
    [Choice("fisher", Doc = "diagonal empirical Fisher (mean squared gradient) of the concept objective, contrasted with the background's")] Fisher,
    [Choice("sae", Doc = "TopK sparse autoencoder latents (needs an sae: block; writes features.json)")] Sae,
    [Choice("random", Doc = "uniform random scores (seeded): a negative control that must fail any bound saliency is meant to pass")] Random,
}

/// <summary>How gradient and Fisher scores contrast the concept (forget) objective with the background (retain) one.</summary>
public enum SaliencyContrast
{
    [Choice("difference", Doc = "max(concept - background, 0)")] Difference,
    [Choice("ratio", Doc = "concept / (background + 1e-6 mean background), as Selective Synaptic Dampening")] Ratio,
}

public enum SaliencyCompat
{
    [Choice("none", Doc = "corrected mapping: attn.out dims -> o_proj rows, mlp.out dims -> down_proj rows")] None,
    [Choice("seed", Doc = "the seed's mapping (dims -> q_proj / up_proj rows), for comparison only")] Seed,
}

public enum VocabMatch
{
    [Choice("word", Doc = "the stripped, lower-cased token equals a term or an inflection")] Word,
    [Choice("substring", Doc = "the token contains a term (the seed's behaviour; 'sit' matches 'position')")] Substring,
}

public enum BoundTarget
{
    [Choice("estimate", Doc = "the point estimate must lie within the bounds")] Estimate,
    [Choice("interval", Doc = "the whole bootstrap interval must lie within the bounds")] Interval,
}

public enum LogitMask
{
    [Choice("neg_inf", Doc = "logit set to minus infinity: the token can never be sampled")] NegativeInfinity,
    [Choice("zero", Doc = "logit set to 0 (the seed's zeroed lm_head row; can still be sampled)")] Zero,
}

public enum RepairObjective
{
    [Choice("repair", Doc = "LoRA fine-tuning on an instruction set with concept conversations removed")] Repair,
    [Choice("forget", Doc = "masked-LoRA unlearning: forget prompts answer a fixed target")] Forget,
}

/// <summary>Where a forget adapter's mask comes from (repair.forget.masks).</summary>
public enum ForgetMask
{
    [Choice("l1-logistic", Doc = "the l1-logistic selection")] L1Logistic,
    [Choice("diff-means", Doc = "the diff-means selection")] DiffMeans,
    [Choice("gradient", Doc = "the gradient selection")] Gradient,
    [Choice("fisher", Doc = "the fisher selection")] Fisher,
    [Choice("random", Doc = "the random-rows control: as many units as saliency.method selected, drawn uniformly from the same candidates")] Random,
    [Choice("unmasked", Doc = "no mask: plain LoRA on the same modules at the same rank and steps")] Unmasked,
}

/// <summary>What a forget prompt is trained to answer.</summary>
public enum ForgetAnswerMode
{
    [Choice("fixed", Doc = "the whole answer is target_answer (the seed's FORGOTTEN)")] Fixed,
    [Choice("replace", Doc = "the base model's own greedy answer with every concept form (whole word) replaced by target_answer; retain answers too")] Replace,
}

/// <summary>Where the concept direction of direction removal comes from.</summary>
public enum DirectionSource
{
    [Choice("diff-means", Doc = "mean concept activation minus mean background activation at the site, normalised")] DiffMeans,
    [Choice("sae", Doc = "the normalised sum of the unit decoder rows of the SAE features Saliency discovered (needs an sae: block and saliency.method sae)")] Sae,
}

public enum DatasetFormat
{
    [Choice("auto", Doc = "detected from the first record")] Auto,
    [Choice("sharegpt", Doc = "conversations: [{from, value}]")] ShareGpt,
    [Choice("messages", Doc = "messages: [{role, content}]")] Messages,
    [Choice("alpaca", Doc = "instruction, input, output")] Alpaca,
}

public enum LoraTarget
{
    [Choice("q")] Q,
    [Choice("k")] K,
    [Choice("v")] V,
    [Choice("o")] O,
    [Choice("gate")] Gate,
    [Choice("up")] Up,
    [Choice("down")] Down,
}

public enum LearningRateSchedule
{
    [Choice("cosine")] Cosine,
    [Choice("linear")] Linear,
    [Choice("constant")] Constant,
}

/// <summary>The model variants Evaluate scores (docs/graph.md says which stages build each).</summary>
public enum EvaluationVariant
{
    [Choice("base", Doc = "the unedited model")] Base,
    [Choice("concept", Doc = "Saliency row masks only")] Concept,
    [Choice("random", Doc = "the random-rows control: as many rows as concept, drawn uniformly (seeded) from the same sites and layers")] Random,
    [Choice("vocab", Doc = "PruneVocab edits only")] Vocab,
    [Choice("hybrid", Doc = "Saliency masks + PruneVocab edits")] Hybrid,
    [Choice("hybrid+repair", Doc = "hybrid + the Repair adapter (masks re-applied)")] HybridRepair,
    [Choice("forget-l1-logistic", Doc = "the forget adapter confined to the l1-logistic selection (repair.forget.masks)")] ForgetL1Logistic,
    [Choice("forget-diff-means", Doc = "the forget adapter confined to the diff-means selection")] ForgetDiffMeans,
    [Choice("forget-gradient", Doc = "the forget adapter confined to the gradient selection")] ForgetGradient,
    [Choice("forget-fisher", Doc = "the forget adapter confined to the fisher selection")] ForgetFisher,
    [Choice("forget-random", Doc = "the forget adapter confined to the random-rows control")] ForgetRandom,
    [Choice("forget-unmasked", Doc = "the unmasked forget adapter (same modules, rank and steps)")] ForgetUnmasked,
    [Choice("direction-removed", Doc = "the concept direction removed from o_proj/down_proj (edits.direction)")] DirectionRemoved,
    [Choice("sae-ablated", Doc = "the SAE features Saliency (method sae) discovered, scaled by sae.ablation.scale at the SAE's site: an intervention at run time, not a weight edit")] SaeAblated,
    [Choice("sae-random", Doc = "the random-feature control: as many SAE latents as sae-ablated, drawn uniformly (seeded) from the latents discovery did not select, ablated the same way")] SaeRandom,
}

public enum GemmProvider
{
    [Choice("auto", Doc = "the managed kernel, or the provider UNLEARN_GEMM names; an installed OpenBLAS is not picked up by itself")] Auto,
    [Choice("managed", Doc = "the managed SIMD kernel: deterministic, the same on every machine")] Managed,
    [Choice("openblas", Doc = "OpenBLAS (libopenblas.so.0, e.g. apt-get install libopenblas0-pthread); an error when it is not installed")] OpenBlas,
    [Choice("reference", Doc = "the scalar oracle: slow, for checks")] Reference,
}

public enum ModelBackend
{
    [Choice("managed", Doc = "the project's own engine: bit-identical across runs and thread counts with the managed GEMM, no native dependency")] Managed,
    [Choice("torch", Doc = "LibTorch through TorchSharp (docs/backends.md): the CPU here, CUDA with a CUDA build; bit-identical run to run for a fixed thread count")] Torch,
}

public enum ComputeDtype
{
    [Choice("float32")] Float32,
    [Choice("bfloat16")] BFloat16,
    [Choice("float16")] Float16,
}

public enum SaeBiasInit
{
    [Choice("geometric-median", Doc = "Weiszfeld geometric median of a token sample (OpenAI's reference trainer)")] GeometricMedian,
    [Choice("mean", Doc = "mean of a token sample (sparsify)")] Mean,
    [Choice("zeros", Doc = "zero (the prototype)")] Zeros,
}

public enum SaeDiscoveryScore
{
    [Choice("statistics", Doc = "the METHODS.md validity tests and score from fire counts and mean activations")] Statistics,
    [Choice("random", Doc = "every latent valid, scores drawn uniformly (seeded): the negative control of discovery, which sae-ablated-minus-sae-random bounds must fail")] Random,
}

public enum SaeControlDraw
{
    [Choice("frequency-matched", Doc = "per selected feature, one of the 8 unselected latents of nearest fire count on the discovery tokens (seeded)")] FrequencyMatched,
    [Choice("uniform", Doc = "uniformly without replacement from all unselected latents (seeded; version 1 of the control)")] Uniform,
}

public enum SaeAblationGate
{
    [Choice("topk", Doc = "the TopK code: a feature is scaled only where it is among the token's k strongest (the prototype)")] TopK,
    [Choice("relu", Doc = "ReLU of the feature's pre-activation: scaled wherever it is positive (a stronger edit; needs only the features' encoder rows)")] Relu,
}
