// What the Repair stage left for Evaluate: whether repair ran, the LoRA adapter (PEFT layout, masks baked in),
// whether pruning masks stay applied on top of it, and the loss curve for the report.
using System.Text.Json;
using Unlearn.Evaluation.Reports;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;

namespace Unlearn.Experiments.Stages;

internal sealed class RepairArtefacts
{
    public const string SummaryFile = "repair.json";
    public const string AdapterFolder = "adapter";
    public const string LogFile = "train_log.jsonl";

    /// <summary>forget/&lt;source&gt;/ holds the further forget adapters of repair.forget.masks (adapter/, train_log.jsonl, summary.json).</summary>
    public const string ForgetFolder = "forget";

    private readonly string _folder;
    private readonly TransformerShape _shape;
    private readonly IReadOnlyDictionary<string, string> _forget;

    private RepairArtefacts(string folder, TransformerShape shape, AdapterSet adapters, bool keepMasks, bool rowMasks, IReadOnlyList<LossPoint> lossCurve, IReadOnlyDictionary<string, string> forget)
    {
        _folder = folder;
        _shape = shape;
        _forget = forget;
        Adapters = adapters;
        KeepMasks = keepMasks;
        RowMasks = rowMasks;
        LossCurve = lossCurve;
    }

    public AdapterSet Adapters { get; }

    /// <summary>False when repair.keep_masks is false: the adapter may then revive pruned rows (the seed's behaviour).</summary>
    public bool KeepMasks { get; }

    /// <summary>Whether the adapter was trained under the Saliency row masks (objective repair); objective forget trains
    /// on the vocabulary-edited model with the row masks as adapter masks instead.</summary>
    public bool RowMasks { get; }

    public IReadOnlyList<LossPoint> LossCurve { get; }

    /// <summary>The mask sources with a forget adapter (objective forget): saliency.method's and repair.forget.masks'.</summary>
    public IReadOnlyList<string> ForgetSources => _forget.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The forget adapter trained with <paramref name="source"/>'s mask ("gradient", "unmasked", …), or null.</summary>
    public AdapterSet? ForgetAdapter(string source) =>
        !_forget.TryGetValue(source, out var folder) ? null
            : folder == "." ? Adapters
            : AdapterSet.LoadPeft(Path.Combine(_folder, folder, AdapterFolder), _shape);

    /// <summary>The loss curve of a forget adapter, or null.</summary>
    public IReadOnlyList<LossPoint>? ForgetLossCurve(string source) =>
        !_forget.TryGetValue(source, out var folder) ? null : ReadCurve(Path.Combine(_folder, folder, LogFile));

    /// <summary>The Repair stage's outputs, or null when repair was disabled.</summary>
    public static RepairArtefacts? Open(string folder, TransformerShape shape)
    {
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, SummaryFile)));
        var root = summary.RootElement;
        if (!root.GetProperty("enabled").GetBoolean())
        {
            return null;
        }
        var adapters = AdapterSet.LoadPeft(Path.Combine(folder, AdapterFolder), shape);
        bool keepMasks = root.GetProperty("keep_masks").GetBoolean();
        bool rowMasks = root.GetProperty("row_masks").GetBoolean();
        var forget = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("forget_adapters", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in map.EnumerateObject())
            {
                forget[property.Name] = property.Value.GetString()!;
            }
        }
        return new RepairArtefacts(folder, shape, adapters, keepMasks, rowMasks, ReadCurve(Path.Combine(folder, LogFile)), forget);
    }

    /// <summary>The loss by step from train_log.jsonl (no adapter loaded), or null when repair was disabled.</summary>
    public static IReadOnlyList<LossPoint>? ReadLossCurve(string folder)
    {
        using (var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, SummaryFile))))
        {
            if (!summary.RootElement.GetProperty("enabled").GetBoolean())
            {
                return null;
            }
        }
        return ReadCurve(Path.Combine(folder, LogFile));
    }

    private static List<LossPoint> ReadCurve(string path)
    {
        var curve = new List<LossPoint>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var entry = JsonDocument.Parse(line);
            curve.Add(new LossPoint(entry.RootElement.GetProperty("step").GetInt32(), entry.RootElement.GetProperty("loss").GetDouble()));
        }
        return curve;
    }
}
