// One safetensors file, memory-mapped read-only. Open validates the whole header (SafetensorsHeader)
// and maps the file once; the base pointer is acquired once and released on Dispose. Tensor data is
// never copied on open: SafetensorsTensor hands out spans and pointers into the mapping. Not thread-
// safe against Dispose: do not dispose while other threads still read.
using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;

namespace Unlearn.Models.Formats;

/// <summary>A memory-mapped safetensors file. Dispose it to unmap; spans and pointers from it are invalid afterwards.</summary>
public sealed unsafe class SafetensorsFile : ISafetensorsSource
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, SafetensorsTensor> _byName;
    private byte* _fileStart;

    private SafetensorsFile(string path, long fileLength, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* fileStart)
    {
        Path = path;
        FileLength = fileLength;
        _map = map;
        _view = view;
        _fileStart = fileStart;

        long headerLength = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(fileStart, 8)));
        DataOffset = 8 + headerLength;
        SafetensorsHeaderContents contents = SafetensorsHeader.Parse(
            new ReadOnlySpan<byte>(fileStart + 8, (int)headerLength), fileLength - DataOffset, path);

        Metadata = new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(contents.Metadata, StringComparer.Ordinal));
        var tensors = new List<SafetensorsTensor>(contents.Entries.Count);
        _byName = new Dictionary<string, SafetensorsTensor>(contents.Entries.Count, StringComparer.Ordinal);
        foreach (SafetensorsEntry entry in contents.Entries)
        {
            var tensor = new SafetensorsTensor(this, entry.Name, entry.DType, entry.Shape, entry.ElementCount, entry.Begin, entry.End);
            tensors.Add(tensor);
            _byName.Add(entry.Name, tensor);
        }
        Tensors = tensors.AsReadOnly();
        TensorNames = _byName.Keys.Order(StringComparer.Ordinal).ToList().AsReadOnly();
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    string ISafetensorsSource.Location => Path;

    public long FileLength { get; }

    /// <summary>Byte offset of the data region: 8 + the header length.</summary>
    public long DataOffset { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the header has none), keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensors in file order (by data offset).</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Opens, validates and memory-maps <paramref name="path"/>.</summary>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file; the message says why.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafetensorsFile Open(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            long length = stream.Length;
            if (length < 8)
            {
                throw new SafetensorsFormatException(
                    fullPath, $"the file is {length} bytes long; a safetensors file starts with an 8-byte header length (empty or truncated file?).");
            }
            map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            stream = null;
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            byte* fileStart = pointer + view.PointerOffset;

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(fileStart, 8));
            if (headerLength > SafetensorsHeader.MaxHeaderLength)
            {
                throw new SafetensorsFormatException(
                    fullPath, $"the header length field says {headerLength} bytes, more than the 100 MB any safetensors header may have; this is not a safetensors file, or its first bytes are corrupt.");
            }
            if ((long)headerLength > length - 8)
            {
                throw new SafetensorsFormatException(
                    fullPath, $"the header length field says {ByteSize.Describe((long)headerLength)} but the file has only {ByteSize.Describe(length - 8)} after it (truncated download?).");
            }
            return new SafetensorsFile(fullPath, length, map, view, fileStart);
        }
        catch
        {
            if (pointer != null)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            view?.Dispose();
            map?.Dispose();
            stream?.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafetensorsTensor? tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>How far a misspelt tensor name may be from a suggestion: about one edit in four characters, at least 3
    /// (catches "q_proj"/"k_proj" and "model.layer.0"/"model.layers.0", not unrelated names).</summary>
    internal static int TypoDistance(string name) => Math.Max(3, name.Length / 4);

    /// <exception cref="TensorNotFoundException">No tensor has that name.</exception>
    public SafetensorsTensor GetTensor(string name)
    {
        if (_byName.TryGetValue(name, out SafetensorsTensor? tensor))
        {
            return tensor;
        }
        string hint = NameSuggestions.Hint(name, _byName.Keys, TypoDistance(name));
        throw new TensorNotFoundException(Path, name, $"there is no tensor '{name}' among its {_byName.Count} tensors{hint}");
    }

    /// <summary>Widens tensor <paramref name="name"/> into <paramref name="destination"/>; see <see cref="SafetensorsTensor.CopyToFloat32"/>.</summary>
    public void CopyToFloat32(string name, Span<float> destination) => GetTensor(name).CopyToFloat32(destination);

    /// <summary>Start of the tensor's bytes in the mapping.</summary>
    internal byte* DataPointer(SafetensorsTensor tensor)
    {
        ObjectDisposedException.ThrowIf(_fileStart == null, this);
        return _fileStart + DataOffset + tensor.DataBegin;
    }

    public void Dispose()
    {
        if (_fileStart == null)
        {
            return;
        }
        _fileStart = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
