// Reads a token-pooled activation cache (index.json version 2 and its tokens-*.npy shards, see ActivationIndex) without
// loading it: every shard and rows file is memory-mapped, checked against the index (float32 [rows, Σ widths], int32
// [rows, 4]), and rows are addressed globally in shard order. A site's columns of any rows can be gathered, which is
// what the shuffled SAE token stream needs; ranges of one class serve feature discovery.
using System.IO.MemoryMappedFiles;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Sae;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Activations;

/// <summary>Where a cached token row came from.</summary>
public readonly record struct TokenRow(ExampleLabel Group, int Example, int Position, int TokenId);

public sealed unsafe class TokenActivations : IDisposable
{
    private readonly Mapping[] _values;
    private readonly Mapping[] _rows;
    private readonly long[] _firstRow;   // [shards + 1] global index of each shard's first row
    private readonly int _rowWidth;

    private TokenActivations(string folder, ActivationIndex index, Mapping[] values, Mapping[] rows, long[] firstRow)
    {
        Folder = folder;
        Index = index;
        _values = values;
        _rows = rows;
        _firstRow = firstRow;
        _rowWidth = index.RowWidth;
    }

    public string Folder { get; }

    public ActivationIndex Index { get; }

    /// <summary>Rows of every shard together.</summary>
    public int RowCount => checked((int)_firstRow[^1]);

    /// <exception cref="ActivationCacheException">Not a token cache, or a shard is missing or disagrees with the index.</exception>
    public static TokenActivations Open(string folder)
    {
        var index = ActivationIndex.Read(Path.Combine(folder, ActivationIndex.FileName));
        if (index.Pooling != Pooling.Tokens)
        {
            throw new ActivationCacheException(
                $"Activation cache '{folder}' holds {PoolingNames.Name(index.Pooling)}-pooled activations, one row per example; SAE training needs one row per token: set activations.pooling: tokens.");
        }
        var values = new List<Mapping>();
        var rows = new List<Mapping>();
        var first = new long[index.Files.Count + 1];
        try
        {
            for (int s = 0; s < index.Files.Count; s++)
            {
                var entry = index.Files[s];
                long count = entry.Rows[0] + entry.Rows[1];
                values.Add(Mapping.Open(Path.Combine(folder, entry.File), NpyDType.Float32, [count, index.RowWidth]));
                rows.Add(Mapping.Open(Path.Combine(folder, CapturePlan.RowsFileOf(entry.File)), NpyDType.Int32, [count, ActivationIndex.RowFields.Count]));
                first[s + 1] = first[s] + count;
            }
        }
        catch
        {
            foreach (var mapping in values.Concat(rows))
            {
                mapping.Dispose();
            }
            throw;
        }
        return new TokenActivations(Path.GetFullPath(folder), index, values.ToArray(), rows.ToArray(), first);
    }

    /// <summary>Where row <paramref name="row"/> came from.</summary>
    public TokenRow Row(int row)
    {
        var (shard, local) = Locate(row);
        int* fields = (int*)_rows[shard].Data + local * ActivationIndex.RowFields.Count;
        return new TokenRow((ExampleLabel)fields[0], fields[1], fields[2], fields[3]);
    }

    /// <summary>The global row ranges [start, end) holding one class's rows, in order.</summary>
    public IEnumerable<(int Start, int End)> Ranges(ExampleLabel group)
    {
        for (int s = 0; s < Index.Files.Count; s++)
        {
            var entry = Index.Files[s];
            int start = (int)_firstRow[s] + (group == ExampleLabel.Concept ? 0 : entry.Rows[0]);
            int count = entry.Rows[(int)group];
            if (count > 0)
            {
                yield return (start, start + count);
            }
        }
    }

    /// <summary>A site's columns of the listed rows, in order, into <paramref name="destination"/> ([rows.Length, width]).</summary>
    public void Gather(HookSite site, ReadOnlySpan<int> rows, Span<float> destination)
    {
        int offset = Index.ColumnOffset(site);
        int width = Index.Width(site.Kind);
        for (int i = 0; i < rows.Length; i++)
        {
            var (shard, local) = Locate(rows[i]);
            new ReadOnlySpan<float>((float*)_values[shard].Data + local * _rowWidth + offset, width).CopyTo(destination.Slice(i * width, width));
        }
    }

    /// <summary>The rows as a token source of one site for SAE training.</summary>
    public ISaeTokenSource Source(HookSite site) => new SiteSource(this, site, Index.Width(site.Kind));

    public void Dispose()
    {
        foreach (var mapping in _values.Concat(_rows))
        {
            mapping.Dispose();
        }
    }

    private (int Shard, long Local) Locate(int row)
    {
        if ((uint)row >= (uint)RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"The token cache has rows 0..{RowCount - 1}.");
        }
        int shard = Array.BinarySearch(_firstRow, row);
        shard = shard >= 0 ? shard : ~shard - 1;
        while (_firstRow[shard + 1] == _firstRow[shard] || row >= _firstRow[shard + 1])
        {
            shard++;
        }
        return (shard, row - _firstRow[shard]);
    }

    private sealed class SiteSource(TokenActivations cache, HookSite site, int width) : ISaeTokenSource
    {
        public int Count => cache.RowCount;

        public int Width => width;

        public void Gather(ReadOnlySpan<int> rows, Span<float> destination) => cache.Gather(site, rows, destination);
    }

    /// <summary>One memory-mapped .npy file, checked against the dtype and shape the index implies.</summary>
    private sealed class Mapping : IDisposable
    {
        private readonly MemoryMappedFile? _file;
        private readonly MemoryMappedViewAccessor? _view;
        private bool _acquired;

        private Mapping(MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* data)
        {
            _file = file;
            _view = view;
            Data = data;
        }

        public byte* Data { get; }

        public static Mapping Open(string path, NpyDType dtype, long[] shape)
        {
            if (!File.Exists(path))
            {
                throw new ActivationCacheException($"Token cache file '{path}' is missing though index.json lists it. Rebuild the cache (--force CacheActivations).");
            }
            NpyFileInfo info;
            try
            {
                info = NpyFile.Describe(path);
            }
            catch (NpyFormatException exception)
            {
                throw new ActivationCacheException($"Token cache: {exception.Message} Rebuild the cache (--force CacheActivations).", exception);
            }
            if (info.DType != dtype || !info.Shape.SequenceEqual(shape))
            {
                throw new ActivationCacheException(
                    $"Token cache file '{path}' is {info.DType.NumpyName()} ({string.Join(", ", info.Shape)}) but index.json implies {dtype.NumpyName()} ({string.Join(", ", shape)}). Rebuild the cache (--force CacheActivations).");
            }
            if (shape[0] == 0)
            {
                return new Mapping(null, null, null);
            }
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new Mapping(file, view, pointer + view.PointerOffset + info.DataOffset) { _acquired = true };
        }

        public void Dispose()
        {
            if (_acquired)
            {
                _view!.SafeMemoryMappedViewHandle.ReleasePointer();
                _acquired = false;
            }
            _view?.Dispose();
            _file?.Dispose();
        }
    }
}
