// A golden model from Data/golden-models (linked from tests/Unlearn.Models.Tests/Data/golden, see its PROVENANCE.md) rebuilt from tape ops with every weight as a Parameter:
// the reference composition of the ops into a Llama/Qwen2 training forward, checked against PyTorch's loss and
// gradients. Reads safetensors with a minimal test-side reader (F32, BF16, I64 only: what these files hold).
using System.Text.Json;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Autograd;

internal sealed class GoldenModel
{
    private readonly Dictionary<string, Parameter> _parameters;
    private readonly int _hidden, _layers, _heads, _kvHeads, _headDim;
    private readonly float _eps;
    private readonly bool _tied;
    private readonly float[] _cos, _sin;

    private GoldenModel(string directory)
    {
        Directory = directory;
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json"))).RootElement;
        _hidden = config.GetProperty("hidden_size").GetInt32();
        _layers = config.GetProperty("num_hidden_layers").GetInt32();
        _heads = config.GetProperty("num_attention_heads").GetInt32();
        _kvHeads = config.GetProperty("num_key_value_heads").GetInt32();
        _headDim = config.GetProperty("head_dim").GetInt32();
        _eps = config.GetProperty("rms_norm_eps").GetSingle();
        _tied = config.GetProperty("tie_word_embeddings").GetBoolean();
        Llama3RopeScaling? scaling = null;
        if (config.GetProperty("rope_scaling") is { ValueKind: JsonValueKind.Object } s)
        {
            scaling = new Llama3RopeScaling(
                s.GetProperty("factor").GetDouble(), s.GetProperty("low_freq_factor").GetDouble(),
                s.GetProperty("high_freq_factor").GetDouble(), s.GetProperty("original_max_position_embeddings").GetInt32());
        }

        _parameters = System.IO.Directory.GetFiles(directory, "model*.safetensors")
            .SelectMany(ReadSafetensors)
            .ToDictionary(t => t.Name, t => new Parameter(t.Name, t.Values, t.Shape));
        Golden = ReadSafetensors(Path.Combine(directory, "golden.safetensors")).ToDictionary(t => t.Name);
        ExpectedLoss = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "golden.json"))).RootElement
            .GetProperty("loss").GetProperty("value").GetDouble();

        // Response-only loss: logits[:, t] against input_ids[:, t + 1] for t ≥ 4.
        var ids = Golden["input_ids"];
        BatchSize = ids.Shape[0];
        ColumnCount = ids.Shape[1];
        Ids = ids.Values.Select(v => (int)v).ToArray();
        Labels = new int[Ids.Length];
        for (int b = 0; b < BatchSize; b++)
        {
            for (int t = 0; t < ColumnCount; t++)
            {
                Labels[b * ColumnCount + t] = t >= 4 && t + 1 < ColumnCount ? Ids[b * ColumnCount + t + 1] : CrossEntropy.IgnoreLabel;
            }
        }
        var positions = Enumerable.Range(0, Ids.Length).Select(i => i % ColumnCount).ToArray();
        _cos = new float[Ids.Length * _headDim / 2];
        _sin = new float[_cos.Length];
        RopeFrequencies.Create(_headDim, config.GetProperty("rope_theta").GetDouble(), scaling).Fill(positions, _cos, _sin);
    }

    public string Directory { get; }

    public int BatchSize { get; }

    public int ColumnCount { get; }

    public int[] Ids { get; }

    public int[] Labels { get; }

    public double ExpectedLoss { get; }

    public Dictionary<string, SafetensorsTensor> Golden { get; }

    public IReadOnlyDictionary<string, Parameter> Parameters => _parameters;

    public static GoldenModel Load(string name) => new(Path.Combine(AppContext.BaseDirectory, "Data", "golden-models", name));

    /// <summary>The training forward: embedding → N × (norm, q/k/v, RoPE, GQA attention, o, residual, norm, SwiGLU MLP, residual) → norm → head → loss.</summary>
    public Variable Loss(Tape tape)
    {
        var grid = SequenceGrid.Dense(BatchSize, ColumnCount);
        var hidden = tape.Embedding(P("model.embed_tokens.weight"), Ids);
        for (int layer = 0; layer < _layers; layer++)
        {
            string prefix = $"model.layers.{layer}.";
            var normed = tape.RmsNorm(hidden, P(prefix + "input_layernorm.weight"), _eps);
            var q = tape.Linear(normed, P(prefix + "self_attn.q_proj.weight"), Optional(prefix + "self_attn.q_proj.bias"));
            var k = tape.Linear(normed, P(prefix + "self_attn.k_proj.weight"), Optional(prefix + "self_attn.k_proj.bias"));
            var v = tape.Linear(normed, P(prefix + "self_attn.v_proj.weight"), Optional(prefix + "self_attn.v_proj.bias"));
            q = tape.Rope(q, _cos, _sin, _heads, _headDim);
            k = tape.Rope(k, _cos, _sin, _kvHeads, _headDim);
            var mixed = tape.Attention(q, k, v, grid, _heads, _kvHeads, _headDim);
            hidden = tape.Add(hidden, tape.Linear(mixed, P(prefix + "self_attn.o_proj.weight"), Optional(prefix + "self_attn.o_proj.bias")));

            normed = tape.RmsNorm(hidden, P(prefix + "post_attention_layernorm.weight"), _eps);
            var act = tape.SwiGlu(tape.Linear(normed, P(prefix + "mlp.gate_proj.weight")), tape.Linear(normed, P(prefix + "mlp.up_proj.weight")));
            hidden = tape.Add(hidden, tape.Linear(act, P(prefix + "mlp.down_proj.weight")));
        }
        var normedFinal = tape.RmsNorm(hidden, P("model.norm.weight"), _eps);
        var logits = tape.Linear(normedFinal, _tied ? P("model.embed_tokens.weight") : P("lm_head.weight"), name: "logits");
        return tape.MaskedCrossEntropy(logits, Labels, gradientIntoLogits: true);
    }

    private Parameter P(string name) => _parameters[name];

    private Parameter? Optional(string name) => _parameters.GetValueOrDefault(name);

    internal sealed record SafetensorsTensor(string Name, float[] Values, int[] Shape);

    private static IEnumerable<SafetensorsTensor> ReadSafetensors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BitConverter.ToUInt64(bytes, 0));
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var tensors = new List<SafetensorsTensor>();
        foreach (var entry in header.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
        {
            int[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int start = 8 + headerLength + checked((int)entry.Value.GetProperty("data_offsets")[0].GetInt64());
            int count = shape.Aggregate(1, (product, d) => product * d);
            var values = new float[count];
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            for (int i = 0; i < count; i++)
            {
                values[i] = dtype switch
                {
                    "F32" => BitConverter.ToSingle(bytes, start + 4 * i),
                    "BF16" => BitConverter.Int32BitsToSingle(BitConverter.ToUInt16(bytes, start + 2 * i) << 16),
                    "I64" => BitConverter.ToInt64(bytes, start + 8 * i),
                    _ => throw new NotSupportedException($"{path}: tensor '{entry.Name}' has dtype {dtype}; this test reader knows F32, BF16 and I64."),
                };
            }
            tensors.Add(new SafetensorsTensor(entry.Name, values, shape.Length == 0 ? [1] : shape));
        }
        return tensors;
    }
}
