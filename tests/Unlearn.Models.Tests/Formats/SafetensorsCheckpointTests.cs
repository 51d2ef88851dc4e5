// SafetensorsCheckpoint on the real golden folders (qwen2-mini: two shards + index; llama3-mini: one
// file) and on broken copies of them: missing shard, stale index, a tensor in two shards, no weights.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class SafetensorsCheckpointTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string CopyOfQwen2Mini()
    {
        string source = TestData.GoldenModel("qwen2-mini");
        string target = Path.Combine(_folder.FullPath, "qwen2-mini");
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source, "model*"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    private static void EditIndex(string folder, Action<JsonObject> edit)
    {
        string indexPath = Path.Combine(folder, SafetensorsCheckpoint.IndexFileName);
        JsonObject index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        edit(index["weight_map"]!.AsObject());
        File.WriteAllText(indexPath, index.ToJsonString());
    }

    [Fact]
    public void OpenFolder_Qwen2MiniShards_FindsEveryIndexedTensorInItsShard()
    {
        string folder = TestData.GoldenModel("qwen2-mini");
        using var checkpoint = SafetensorsCheckpoint.OpenFolder(folder);
        using JsonDocument index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName)));
        var weightMap = index.RootElement.GetProperty("weight_map").EnumerateObject().ToList();

        Assert.Equal(2, checkpoint.Shards.Count);
        Assert.Equal(weightMap.Count, checkpoint.TensorNames.Count);
        foreach (JsonProperty entry in weightMap)
        {
            Assert.Equal(entry.Value.GetString(), Path.GetFileName(checkpoint.GetTensor(entry.Name).File.Path));
        }
        Assert.Equal([1200L, 64L], checkpoint.GetTensor("lm_head.weight").Shape.ToArray());
        Assert.Equal([64L], checkpoint.GetTensor("model.layers.1.self_attn.q_proj.bias").Shape.ToArray());
    }

    [Fact]
    public void OpenFolder_SingleFile_UsesModelSafetensorsWithoutIndex()
    {
        using var checkpoint = SafetensorsCheckpoint.OpenFolder(TestData.GoldenModel("llama2-mini"));
        Assert.Null(checkpoint.IndexPath);
        Assert.Single(checkpoint.Shards);
        Assert.Equal(SafetensorsDType.Float16, checkpoint.GetTensor("lm_head.weight").DType);
        var values = new float[checkpoint.GetTensor("model.norm.weight").ElementCount];
        checkpoint.CopyToFloat32("model.norm.weight", values);
        Assert.Contains(values, value => value != 0f);
    }

    [Fact]
    public void GetTensor_Missing_ThrowsNamingTensorAndFolder()
    {
        using var checkpoint = SafetensorsCheckpoint.OpenFolder(TestData.GoldenModel("qwen2-mini"));
        var error = Assert.Throws<TensorNotFoundException>(() => checkpoint.GetTensor("x"));
        Assert.Equal("x", error.TensorName);
        Assert.Equal(checkpoint.Folder, error.Path);
        Assert.Contains("no tensor 'x'", error.Message);
        Assert.Contains(checkpoint.Folder, error.Message);
    }

    [Fact]
    public void OpenFolder_IndexNamesMissingShard_ThrowsNamingShard()
    {
        string folder = CopyOfQwen2Mini();
        File.Delete(Path.Combine(folder, "model-00002-of-00002.safetensors"));
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.EndsWith(SafetensorsCheckpoint.IndexFileName, error.Path);
        Assert.Contains("shard 'model-00002-of-00002.safetensors', which is not in the folder", error.Message);
    }

    [Fact]
    public void OpenFolder_IndexListsTensorAbsentFromItsShard_ThrowsNamingTensor()
    {
        string folder = CopyOfQwen2Mini();
        EditIndex(folder, map => map["model.layers.9.mlp.up_proj.weight"] = "model-00001-of-00002.safetensors");
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Equal("model.layers.9.mlp.up_proj.weight", error.TensorName);
        Assert.Contains("that shard has no such tensor", error.Message);
    }

    [Fact]
    public void OpenFolder_TensorMappedToWrongShard_ThrowsAsInTwoPlaces()
    {
        string folder = CopyOfQwen2Mini();
        EditIndex(folder, map =>
        {
            // Point one shard-2 tensor at shard 1 and keep everything else.
            string name = map.First(pair => pair.Value!.GetValue<string>() == "model-00002-of-00002.safetensors").Key;
            map[name] = "model-00001-of-00002.safetensors";
        });
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Contains("that shard has no such tensor", error.Message);
    }

    [Fact]
    public void OpenFolder_TensorInTwoShards_ThrowsNamingBoth()
    {
        string folder = Path.Combine(_folder.FullPath, "two");
        Directory.CreateDirectory(folder);
        foreach (string shard in new[] { "a.safetensors", "b.safetensors" })
        {
            var writer = new SafetensorsWriter();
            writer.AddFloat32("shared", [1f, 2f], 2);
            writer.AddFloat32("only." + shard[0], [3f], 1);
            writer.Save(Path.Combine(folder, shard));
        }
        File.WriteAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName),
            """{"metadata":{},"weight_map":{"shared":"a.safetensors","only.a":"a.safetensors","only.b":"b.safetensors"}}""");
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Equal("shared", error.TensorName);
        Assert.Contains("two shards", error.Message);
        Assert.Contains("a.safetensors", error.Message);
        Assert.Contains("b.safetensors", error.Message);
    }

    [Fact]
    public void OpenFolder_ShardTensorMissingFromIndex_ThrowsAsStaleIndex()
    {
        string folder = CopyOfQwen2Mini();
        EditIndex(folder, map => map.Remove("lm_head.weight"));
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Equal("lm_head.weight", error.TensorName);
        Assert.Contains("stale index", error.Message);
    }

    [Fact]
    public void OpenFolder_DuplicateNameInWeightMap_Throws()
    {
        string folder = CopyOfQwen2Mini();
        string indexPath = Path.Combine(folder, SafetensorsCheckpoint.IndexFileName);
        string text = File.ReadAllText(indexPath);
        File.WriteAllText(indexPath, text.Replace("\"weight_map\": {", "\"weight_map\": {\"lm_head.weight\": \"model-00002-of-00002.safetensors\",", StringComparison.Ordinal));
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Contains("lists tensor 'lm_head.weight' twice", error.Message);
    }

    [Fact]
    public void OpenFolder_ShardNameWithPath_Throws()
    {
        string folder = CopyOfQwen2Mini();
        EditIndex(folder, map => map["lm_head.weight"] = "../model-00001-of-00002.safetensors");
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Contains("expected the file name of a shard", error.Message);
    }

    [Fact]
    public void OpenFolder_IndexNotJson_Throws()
    {
        string folder = CopyOfQwen2Mini();
        File.WriteAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), "{\"weight_map\": {");
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void OpenFolder_NoWeightFiles_ThrowsNamingBothExpectedFiles()
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(_folder.FullPath));
        Assert.Equal(_folder.FullPath, error.Path);
        Assert.Contains("neither model.safetensors nor model.safetensors.index.json", error.Message);
    }

    [Fact]
    public void OpenFolder_CorruptShard_ThrowsNamingTheShardFile()
    {
        string folder = CopyOfQwen2Mini();
        string shard = Path.Combine(folder, "model-00001-of-00002.safetensors");
        byte[] bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.OpenFolder(folder));
        Assert.Equal(shard, error.Path);
        Assert.Contains("truncated download?", error.Message);
    }
}
