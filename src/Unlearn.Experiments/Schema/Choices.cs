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
    [Choice("gradient", Doc = "gradient x activation", Available = false)] Gradient,
    [Choice("fisher", Doc = "diagonal empirical Fisher", Available = false)] Fisher,
    [Choice("sae", Doc = "TopK sparse autoencoder latents (needs an sae: block; writes features.json)")] Sae,
    [Choice("random", Doc = "uniform random scores (seeded): a negative control that must fail any bound saliency is meant to pass")] Random,
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
}

public enum GemmProvider
{
    [Choice("auto", Doc = "the managed kernel, or the provider UNLEARN_GEMM names; an installed OpenBLAS is not picked up by itself")] Auto,
    [Choice("managed", Doc = "the managed SIMD kernel: deterministic, the same on every machine")] Managed,
    [Choice("openblas", Doc = "OpenBLAS (libopenblas.so.0, e.g. apt-get install libopenblas0-pthread); an error when it is not installed")] OpenBlas,
    [Choice("reference", Doc = "the scalar oracle: slow, for checks")] Reference,
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

public enum SaeAblationGate
{
    [Choice("topk", Doc = "the TopK code: a feature is scaled only where it is among the token's k strongest (the prototype)")] TopK,
    [Choice("relu", Doc = "ReLU of the feature's pre-activation: scaled wherever it is positive (a stronger edit; needs only the features' encoder rows)")] Relu,
}
