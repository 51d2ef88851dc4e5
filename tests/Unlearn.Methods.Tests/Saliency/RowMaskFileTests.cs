// RowMaskFile (Unlearn.Models.Edits): masks.safetensors round trip and its refusals.
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Edits;
using Unlearn.Models.Formats;

namespace Unlearn.Methods.Tests.Saliency;

public class RowMaskFileTests
{
    [Fact]
    public void Write_ThenRead_GivesThePrunedRows()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("masks.safetensors");
        var pruned = new Dictionary<string, int[]> { ["model.layers.0.self_attn.o_proj.weight"] = [3, 1], ["model.layers.1.mlp.up_proj.weight"] = [] };

        RowMaskFile.Write(path, pruned, new Dictionary<string, int> { ["model.layers.0.self_attn.o_proj.weight"] = 8, ["model.layers.1.mlp.up_proj.weight"] = 4 });
        var read = RowMaskFile.ReadPrunedRows(path);

        Assert.Equal([1, 3], read["model.layers.0.self_attn.o_proj.weight"]);
        Assert.Empty(read["model.layers.1.mlp.up_proj.weight"]);
    }

    [Fact]
    public void Read_ValueOtherThanZeroOrOne_ThrowsNamingTensorAndRow()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("masks.safetensors");
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", RowMaskFile.Format);
        writer.AddUInt8("model.layers.0.mlp.down_proj.weight", [1, 1, 2, 1], 4);
        writer.Save(path);

        var error = Assert.Throws<SafetensorsFormatException>(() => RowMaskFile.Read(path));

        Assert.Contains("model.layers.0.mlp.down_proj.weight", error.Message);
        Assert.Contains("row 2", error.Message);
    }

    [Fact]
    public void Read_SafetensorsWithoutTheFormatTag_ThrowsSayingWhatItExpected()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("weights.safetensors");
        var writer = new SafetensorsWriter();
        writer.AddFloat32("model.norm.weight", [1f, 1f], 2);
        writer.Save(path);

        var error = Assert.Throws<ModelFormatException>(() => RowMaskFile.Read(path));

        Assert.Contains(RowMaskFile.Format, error.Message);
    }
}
