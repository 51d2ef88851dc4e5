// Reads an activation cache written by ActivationCapture: index.json and the .npz files it lists, checked
// against each other (every array present, float32, [rows, width] as the index says). Downstream stages
// (saliency, SAE training) take their activations from here.
using Unlearn.Methods.Examples;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Activations;

/// <summary>Row-major float32 activations [Rows, Width].</summary>
public sealed record ActivationMatrix(float[] Values, int Rows, int Width)
{
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);
}

/// <summary>The concept and background activations of one site.</summary>
public sealed record SiteActivations(HookSite Site, ActivationMatrix Concept, ActivationMatrix Background);

public sealed class ActivationCache
{
    private readonly Dictionary<string, ActivationMatrix> _matrices;
    private readonly int[][]? _exampleIndex;

    private ActivationCache(string folder, ActivationIndex index, Dictionary<string, ActivationMatrix> matrices, int[][]? exampleIndex)
    {
        Folder = folder;
        Index = index;
        _matrices = matrices;
        _exampleIndex = exampleIndex;
    }

    public string Folder { get; }

    public ActivationIndex Index { get; }

    public IReadOnlyList<HookSite> Sites => Index.Sites;

    /// <summary>A class's rows at a site (examples, or tokens for token pooling), all files concatenated in order.</summary>
    public ActivationMatrix Get(ExampleLabel group, HookSite site) =>
        _matrices.TryGetValue(ActivationIndex.ArrayName(group, site), out var matrix)
            ? matrix
            : throw new ActivationCacheException($"Activation cache '{Folder}' has no site '{site.Name}'; it holds {string.Join(", ", Sites.Select(s => s.Name))}. Add the site to activations.sites/layers, or inspect one of these.");

    public SiteActivations Site(HookSite site) => new(site, Get(ExampleLabel.Concept, site), Get(ExampleLabel.Background, site));

    /// <summary>Token pooling: the example each row came from; null for mean/last pooling (row i is example i).</summary>
    public IReadOnlyList<int>? ExampleIndex(ExampleLabel group) => _exampleIndex?[(int)group];

    /// <exception cref="ActivationCacheException">index.json or a listed file is missing, or a file disagrees with the index.</exception>
    public static ActivationCache Load(string folder)
    {
        var index = ActivationIndex.Read(Path.Combine(folder, ActivationIndex.FileName));
        if (index.Pooling == Pooling.Tokens)
        {
            return LoadTokens(folder);
        }
        var parts = new Dictionary<string, List<float[]>>(StringComparer.Ordinal);
        foreach (var entry in index.Files)
        {
            string path = Path.Combine(folder, entry.File);
            if (!File.Exists(path))
            {
                throw new ActivationCacheException($"Activation cache '{folder}': index.json lists '{entry.File}', which is missing. Rebuild the cache (CacheActivations).");
            }
            IReadOnlyDictionary<string, NpyArray> arrays;
            try
            {
                arrays = NpzFile.Read(path);
            }
            catch (NpyFormatException exception)
            {
                throw new ActivationCacheException($"Activation cache '{folder}': {exception.Message} Rebuild the cache (CacheActivations).", exception);
            }
            foreach (var group in Enum.GetValues<ExampleLabel>())
            {
                int rows = entry.Rows[(int)group];
                foreach (var site in index.Sites)
                {
                    string name = ActivationIndex.ArrayName(group, site);
                    var array = Require(arrays, name, path, NpyDType.Float32, [rows, index.Width(site.Kind)]);
                    if (!parts.TryGetValue(name, out var list))
                    {
                        parts[name] = list = [];
                    }
                    list.Add(array.ToFloat32Array());
                }
            }
        }
        var matrices = new Dictionary<string, ActivationMatrix>(StringComparer.Ordinal);
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            foreach (var site in index.Sites)
            {
                string name = ActivationIndex.ArrayName(group, site);
                int width = index.Width(site.Kind);
                float[] values = parts.TryGetValue(name, out var list) ? (list.Count == 1 ? list[0] : list.SelectMany(a => a).ToArray()) : [];
                matrices[name] = new ActivationMatrix(values, values.Length / width, width);
            }
        }
        return new ActivationCache(Path.GetFullPath(folder), index, matrices, null);
    }

    /// <summary>A token cache read whole into memory, one matrix per class and site (for the probes; SAE training and
    /// discovery read the shards through <see cref="TokenActivations"/> instead).</summary>
    private static ActivationCache LoadTokens(string folder)
    {
        using var tokens = TokenActivations.Open(folder);
        var index = tokens.Index;
        var matrices = new Dictionary<string, ActivationMatrix>(StringComparer.Ordinal);
        var exampleIndex = new int[2][];
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            var rows = tokens.Ranges(group).SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start)).ToArray();
            exampleIndex[(int)group] = rows.Select(r => tokens.Row(r).Example).ToArray();
            foreach (var site in index.Sites)
            {
                int width = index.Width(site.Kind);
                var values = new float[(long)rows.Length * width];
                tokens.Gather(site, rows, values);
                matrices[ActivationIndex.ArrayName(group, site)] = new ActivationMatrix(values, rows.Length, width);
            }
        }
        return new ActivationCache(Path.GetFullPath(folder), index, matrices, exampleIndex);
    }

    private static NpyArray Require(IReadOnlyDictionary<string, NpyArray> arrays, string name, string path, NpyDType dtype, long[] shape)
    {
        if (!arrays.TryGetValue(name, out var array))
        {
            throw new ActivationCacheException($"Activation cache file '{path}' lacks array '{name}' that index.json promises. Rebuild the cache (CacheActivations).");
        }
        if (array.DType != dtype || !array.Shape.SequenceEqual(shape))
        {
            throw new ActivationCacheException(
                $"Activation cache file '{path}': array '{name}' is {array} but index.json implies {dtype.NumpyName()} ({string.Join(", ", shape)}). Rebuild the cache (CacheActivations).");
        }
        return array;
    }
}
