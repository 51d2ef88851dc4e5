// A Hugging Face checkpoint folder: either one model.safetensors or shards listed by
// model.safetensors.index.json (weight_map: tensor name → shard file). Like transformers, a single
// model.safetensors wins when both exist. Every shard is mapped on open and cross-checked against the
// index: a shard the index names but the folder lacks, a tensor the index places in a shard that does
// not hold it, a tensor held by two shards, and a tensor a shard holds but the index omits are errors.
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Unlearn.Models.Formats;

/// <summary>The weights of a model folder, looked up by tensor name across shards.</summary>
public sealed class SafetensorsCheckpoint : ISafetensorsSource
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsTensor> _byName;

    private SafetensorsCheckpoint(string folder, string? indexPath, IReadOnlyList<SafetensorsFile> shards, Dictionary<string, SafetensorsTensor> byName)
    {
        Folder = folder;
        IndexPath = indexPath;
        Shards = shards;
        _byName = byName;
        TensorNames = byName.Keys.Order(StringComparer.Ordinal).ToList().AsReadOnly();
    }

    /// <summary>Full path of the folder.</summary>
    public string Folder { get; }

    string ISafetensorsSource.Location => Folder;

    /// <summary>The index file, or null for a single model.safetensors.</summary>
    public string? IndexPath { get; }

    /// <summary>The open shard files, in file-name order (one for an unsharded model).</summary>
    public IReadOnlyList<SafetensorsFile> Shards { get; }

    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Opens every safetensors file of the model folder <paramref name="folder"/>.</summary>
    /// <exception cref="SafetensorsFormatException">The folder, its index or a shard is invalid; the message names the file and tensor.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static SafetensorsCheckpoint OpenFolder(string folder)
    {
        string fullFolder = Path.GetFullPath(folder);
        if (!Directory.Exists(fullFolder))
        {
            throw new DirectoryNotFoundException($"Model folder '{fullFolder}' does not exist.");
        }
        string singlePath = Path.Combine(fullFolder, SingleFileName);
        if (File.Exists(singlePath))
        {
            SafetensorsFile file = SafetensorsFile.Open(singlePath);
            var byName = file.Tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
            return new SafetensorsCheckpoint(fullFolder, indexPath: null, new[] { file }, byName);
        }
        string indexPath = Path.Combine(fullFolder, IndexFileName);
        if (File.Exists(indexPath))
        {
            return OpenSharded(fullFolder, indexPath);
        }
        string hint = File.Exists(Path.Combine(fullFolder, "pytorch_model.bin")) || File.Exists(Path.Combine(fullFolder, "pytorch_model.bin.index.json"))
            ? " It has PyTorch .bin weights, which are not supported (they are pickles); convert them to safetensors first."
            : " Is this a Hugging Face model folder?";
        throw new SafetensorsFormatException(fullFolder, $"the folder has neither {SingleFileName} nor {IndexFileName}.{hint}");
    }

    private static SafetensorsCheckpoint OpenSharded(string folder, string indexPath)
    {
        SortedDictionary<string, List<string>> tensorsByShard = ReadWeightMap(indexPath);
        var shards = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
            var shardOfIndexedTensor = tensorsByShard
                .SelectMany(pair => pair.Value.Select(name => (name, shard: pair.Key)))
                .ToDictionary(item => item.name, item => item.shard, StringComparer.Ordinal);
            foreach ((string shardName, List<string> listed) in tensorsByShard)
            {
                string shardPath = Path.Combine(folder, shardName);
                if (!File.Exists(shardPath))
                {
                    throw new SafetensorsFormatException(
                        indexPath, $"weight_map places {listed.Count} tensors (e.g. '{listed[0]}') in shard '{shardName}', which is not in the folder (incomplete download?).", listed[0]);
                }
                SafetensorsFile shard = SafetensorsFile.Open(shardPath);
                shards.Add(shard);
                foreach (string name in listed)
                {
                    if (!shard.Contains(name))
                    {
                        throw new SafetensorsFormatException(
                            indexPath, $"weight_map places tensor '{name}' in shard '{shardName}', but that shard has no such tensor (index and shards from different versions?).", name);
                    }
                }
                foreach (SafetensorsTensor tensor in shard.Tensors)
                {
                    if (byName.TryGetValue(tensor.Name, out SafetensorsTensor? earlier))
                    {
                        throw new SafetensorsFormatException(
                            indexPath, $"tensor '{tensor.Name}' is in two shards, '{Path.GetFileName(earlier.File.Path)}' and '{shardName}'; which one is meant is ambiguous.", tensor.Name);
                    }
                    if (!shardOfIndexedTensor.TryGetValue(tensor.Name, out string? indexedShard))
                    {
                        throw new SafetensorsFormatException(
                            indexPath, $"shard '{shardName}' holds tensor '{tensor.Name}', which weight_map does not list (stale index?).", tensor.Name);
                    }
                    if (indexedShard != shardName)
                    {
                        throw new SafetensorsFormatException(
                            indexPath, $"tensor '{tensor.Name}' is in two shards: weight_map places it in '{indexedShard}' but '{shardName}' holds it too.", tensor.Name);
                    }
                    byName.Add(tensor.Name, tensor);
                }
            }
            return new SafetensorsCheckpoint(folder, indexPath, shards.AsReadOnly(), byName);
        }
        catch
        {
            foreach (SafetensorsFile shard in shards)
            {
                shard.Dispose();
            }
            throw;
        }
    }

    private static SortedDictionary<string, List<string>> ReadWeightMap(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException exception)
        {
            throw new SafetensorsFormatException(indexPath, $"the index is not valid JSON ({exception.Message}).", innerException: exception);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out JsonElement weightMap))
            {
                throw new SafetensorsFormatException(indexPath, "the index has no 'weight_map' object (tensor name → shard file).");
            }
            if (weightMap.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(indexPath, $"'weight_map' is a JSON {weightMap.ValueKind}; expected an object (tensor name → shard file).");
            }
            var byShard = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty entry in weightMap.EnumerateObject())
            {
                if (!seen.Add(entry.Name))
                {
                    throw new SafetensorsFormatException(indexPath, $"weight_map lists tensor '{entry.Name}' twice.", entry.Name);
                }
                string? shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() : null;
                if (string.IsNullOrEmpty(shard) || shard != Path.GetFileName(shard) || shard is "." or "..")
                {
                    throw new SafetensorsFormatException(
                        indexPath, $"weight_map['{entry.Name}'] is {entry.Value.GetRawText()}; expected the file name of a shard in the same folder.", entry.Name);
                }
                if (!byShard.TryGetValue(shard, out List<string>? names))
                {
                    byShard.Add(shard, names = []);
                }
                names.Add(entry.Name);
            }
            if (byShard.Count == 0)
            {
                throw new SafetensorsFormatException(indexPath, "weight_map is empty; the index lists no tensors.");
            }
            return byShard;
        }
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafetensorsTensor? tensor) => _byName.TryGetValue(name, out tensor);

    /// <exception cref="TensorNotFoundException">No shard has that tensor; the message names the folder.</exception>
    public SafetensorsTensor GetTensor(string name)
    {
        if (_byName.TryGetValue(name, out SafetensorsTensor? tensor))
        {
            return tensor;
        }
        string hint = NameSuggestions.Hint(name, _byName.Keys, SafetensorsFile.TypoDistance(name));
        string files = Shards.Count == 1 ? Path.GetFileName(Shards[0].Path) : $"{Shards.Count} shards";
        throw new TensorNotFoundException(Folder, name, $"the model has no tensor '{name}' ({_byName.Count} tensors in {files}){hint}");
    }

    /// <summary>Widens tensor <paramref name="name"/> into <paramref name="destination"/>; see <see cref="SafetensorsTensor.CopyToFloat32"/>.</summary>
    public void CopyToFloat32(string name, Span<float> destination) => GetTensor(name).CopyToFloat32(destination);

    public void Dispose()
    {
        foreach (SafetensorsFile shard in Shards)
        {
            shard.Dispose();
        }
    }
}
