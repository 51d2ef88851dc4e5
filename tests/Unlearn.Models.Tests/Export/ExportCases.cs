// The export test cases of tests/reference/export_reference.py: a base model and its committed edit files (row masks,
// vocabulary edits, a PEFT adapter), baked the way `unlearn export` bakes them, plus the PyTorch / gguf-py goldens.
using System.Text.Json;
using Unlearn.Models.Edits;
using Unlearn.Models.Export;
using Unlearn.Models.Formats;
using Unlearn.Models.Lora;

namespace Unlearn.Models.Tests.Export;

internal sealed record ExportCase(string Name, string BaseFolder, bool KeepMasks)
{
    public static readonly ExportCase Llama3Mini = new("llama3-mini", TestData.GoldenModel("llama3-mini"), KeepMasks: true);
    public static readonly ExportCase Qwen2Mini = new("qwen2-mini", TestData.GoldenModel("qwen2-mini"), KeepMasks: false);
    public static readonly ExportCase Stories = new("stories260K", TestData.Path("stories260K"), KeepMasks: true);

    public static ExportCase Get(string name) => new[] { Llama3Mini, Qwen2Mini, Stories }.Single(c => c.Name == name);

    public string Folder => TestData.Path("export", Name);

    /// <summary>The base model with stories260K's tokenizer (the mini models have none; a GGUF needs one).</summary>
    public PretrainedModel Load() => PretrainedModel.Load(BaseFolder, new ModelLoadOptions { TokenizerPath = TestData.Path("stories260K") });

    public ModelEdits Masks => RowMaskFile.Read(System.IO.Path.Combine(Folder, "masks.safetensors"))
        .Combine(VocabularyEditsFile.Read(System.IO.Path.Combine(Folder, "vocab-edits.json")));

    public AdapterSet? Adapters(PretrainedModel model) =>
        Directory.Exists(System.IO.Path.Combine(Folder, "adapter")) ? AdapterSet.LoadPeft(System.IO.Path.Combine(Folder, "adapter"), model.Model.Shape) : null;

    /// <summary>The case's edits in the order `unlearn export` bakes them.</summary>
    public IReadOnlyList<IExportEdit> Edits(PretrainedModel model) =>
        Adapters(model) is { } adapters ? VariantEdits.Repaired(Masks, adapters, KeepMasks) : [new MaskEdit(Masks)];

    public static (int[][] Ids, float[] Logits, int Vocab) GoldenLogits(string name)
    {
        using var file = SafetensorsFile.Open(TestData.Path("export", "export-golden.safetensors"));
        var idsTensor = file.GetTensor($"{name}.input_ids");
        var flat = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(idsTensor.Bytes).ToArray();
        int columns = (int)idsTensor.Shape[1];
        var ids = Enumerable.Range(0, (int)idsTensor.Shape[0]).Select(b => flat.Skip(b * columns).Take(columns).Select(v => (int)v).ToArray()).ToArray();
        var logits = file.GetTensor($"{name}.logits");
        return (ids, logits.ToFloat32Array(), (int)logits.Shape[2]);
    }

    /// <summary>SHA-256 (hex) of each GGUF tensor's bytes as gguf-py encodes the exported weights.</summary>
    public static IReadOnlyDictionary<string, string> GoldenTensorHashes(string name, string dtype)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(TestData.Path("export", "export-golden.json")));
        return json.RootElement.GetProperty("cases").GetProperty(name).GetProperty("gguf").GetProperty(dtype)
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
