// A one-layer Llama-style decoder written with tape ops only (tied embeddings, a q bias as in Qwen2, GQA, RoPE, SwiGLU,
// a padded [2, 5] batch and a response-only loss), so the ops are checked together the way the model composes them.
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Autograd;

internal sealed class TinyTransformer
{
    public const int Vocab = 11, Hidden = 8, Heads = 2, KvHeads = 1, HeadDim = 4, Intermediate = 12, Batch = 2, Columns = 5;
    public const string ActivationSite = "layers.0.mlp.act";

    public TinyTransformer(int seed)
    {
        Parameter Make(string name, float scale, params int[] shape) => GradientCheck.RandomParameter(name, seed++, scale, shape);
        Embedding = Make("model.embed_tokens.weight", 1f, Vocab, Hidden);
        InputNorm = new Parameter("model.layers.0.input_layernorm.weight", GradientCheck.Random(Hidden, seed++, 0.3f).Select(v => 1 + v).ToArray(), Hidden);
        Query = Make("model.layers.0.self_attn.q_proj.weight", 0.6f, Heads * HeadDim, Hidden);
        QueryBias = Make("model.layers.0.self_attn.q_proj.bias", 0.3f, Heads * HeadDim);
        Key = Make("model.layers.0.self_attn.k_proj.weight", 0.6f, KvHeads * HeadDim, Hidden);
        Value = Make("model.layers.0.self_attn.v_proj.weight", 0.6f, KvHeads * HeadDim, Hidden);
        Output = Make("model.layers.0.self_attn.o_proj.weight", 0.6f, Hidden, Heads * HeadDim);
        PostNorm = new Parameter("model.layers.0.post_attention_layernorm.weight", GradientCheck.Random(Hidden, seed++, 0.3f).Select(v => 1 + v).ToArray(), Hidden);
        Gate = Make("model.layers.0.mlp.gate_proj.weight", 0.6f, Intermediate, Hidden);
        Up = Make("model.layers.0.mlp.up_proj.weight", 0.6f, Intermediate, Hidden);
        Down = Make("model.layers.0.mlp.down_proj.weight", 0.5f, Hidden, Intermediate);
        FinalNorm = new Parameter("model.norm.weight", GradientCheck.Random(Hidden, seed++, 0.3f).Select(v => 1 + v).ToArray(), Hidden);

        // Sequence 0: four tokens then padding; sequence 1: five tokens. The loss covers the tokens after the second.
        Tokens = [1, 7, 3, 9, 0, 2, 5, 5, 10, 4];
        Valid = [true, true, true, true, false, true, true, true, true, true];
        Labels = [-100, 3, 9, -100, -100, -100, 5, 10, 4, -100];
        var positions = new[] { 0, 1, 2, 3, 0, 0, 1, 2, 3, 4 };
        Cos = new float[Batch * Columns * HeadDim / 2];
        Sin = new float[Cos.Length];
        RopeFrequencies.Create(HeadDim, 10000).Fill(positions, Cos, Sin);
    }

    public Parameter Embedding { get; }
    public Parameter InputNorm { get; }
    public Parameter Query { get; }
    public Parameter QueryBias { get; }
    public Parameter Key { get; }
    public Parameter Value { get; }
    public Parameter Output { get; }
    public Parameter PostNorm { get; }
    public Parameter Gate { get; }
    public Parameter Up { get; }
    public Parameter Down { get; }
    public Parameter FinalNorm { get; }

    public IReadOnlyList<Parameter> All => [Embedding, InputNorm, Query, QueryBias, Key, Value, Output, PostNorm, Gate, Up, Down, FinalNorm];

    public int[] Tokens { get; }
    public bool[] Valid { get; }
    public int[] Labels { get; }
    public float[] Cos { get; }
    public float[] Sin { get; }

    /// <summary>Records the forward pass and returns the loss.</summary>
    /// <param name="trainable">base weights as Parameters (full gradients) or as frozen arrays</param>
    /// <param name="observeActivation">observe mlp.act as <see cref="ActivationSite"/></param>
    /// <param name="queryLora">adapter on q_proj, or null</param>
    /// <param name="downLora">adapter on down_proj, or null</param>
    /// <param name="dropoutSeed">seed of the adapters' dropout</param>
    /// <param name="outputPrunedRows">pruned rows of o_proj, or null</param>
    /// <param name="capture">receives copies of the residual after attention ("residual") and of mlp.act ("act")</param>
    public Variable Loss(
        Tape tape, bool trainable, bool observeActivation = false, LoraAdapter? queryLora = null, LoraAdapter? downLora = null,
        ulong dropoutSeed = 0, int[]? outputPrunedRows = null, Dictionary<string, float[]>? capture = null)
    {
        Weight W(Parameter p) => trainable ? p : Weight.Frozen(p.Value, p.Rows, p.Columns, p.Name);
        var grid = new SequenceGrid(Batch, Columns, Valid);
        var dropout = new SeededRandom(dropoutSeed);

        var hidden = tape.Embedding(W(Embedding), Tokens, name: "embed");
        var normed = tape.RmsNorm(hidden, W(InputNorm), 1e-5f);
        var q = queryLora is null
            ? tape.Linear(normed, W(Query), W(QueryBias))
            : tape.LoraLinear(normed, W(Query), W(QueryBias), queryLora, dropoutRandom: dropout);
        var k = tape.Linear(normed, W(Key));
        var v = tape.Linear(normed, W(Value));
        q = tape.Rope(q, Cos, Sin, Heads, HeadDim);
        k = tape.Rope(k, Cos, Sin, KvHeads, HeadDim);
        var mixed = tape.Attention(q, k, v, grid, Heads, KvHeads, HeadDim);
        var attentionOut = tape.Linear(mixed, W(Output), prunedRows: outputPrunedRows);
        hidden = tape.Add(hidden, attentionOut);

        normed = tape.RmsNorm(hidden, W(PostNorm), 1e-5f);
        var act = tape.SwiGlu(tape.Linear(normed, W(Gate)), tape.Linear(normed, W(Up)), name: ActivationSite);
        if (capture is not null)
        {
            capture["residual"] = hidden.Value.ToArray();
            capture["act"] = act.Value.ToArray();
        }
        if (observeActivation)
        {
            tape.Observe(act, ActivationSite);
        }
        var mlpOut = downLora is null
            ? tape.Linear(act, W(Down))
            : tape.LoraLinear(act, W(Down), null, downLora, dropoutRandom: dropout);
        hidden = tape.Add(hidden, mlpOut);
        return Head(tape, hidden, W(FinalNorm), W(Embedding));
    }

    /// <summary>The rest of the model from mlp.act (for checking an observed gradient against a leaf input's).</summary>
    public Variable LossFromActivation(Tape tape, Variable residual, Variable act)
    {
        var frozen = (Parameter p) => Weight.Frozen(p.Value, p.Rows, p.Columns, p.Name);
        var hidden = tape.Add(residual, tape.Linear(act, frozen(Down)));
        return Head(tape, hidden, frozen(FinalNorm), frozen(Embedding));
    }

    private Variable Head(Tape tape, Variable hidden, Weight finalNorm, Weight head)
    {
        var logits = tape.Linear(tape.RmsNorm(hidden, finalNorm, 1e-5f), head, name: "logits");
        return tape.MaskedCrossEntropy(logits, Labels, Valid, gradientIntoLogits: logits.RequiresGradient);
    }
}
