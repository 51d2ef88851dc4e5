// A read-mostly fp32 matrix [rows, columns], row-major, behind a raw pointer: either memory-mapped from a
// weight file (zero copy; the mapping is kept alive by `owner`) or owned native memory (64-byte aligned).
// Weights live here so the GEMM can read them without pinning and without a second copy in the GC heap.
using System.Runtime.InteropServices;

namespace Unlearn.Numerics.Tensors;

public sealed unsafe class DenseMatrix : IDisposable
{
    private readonly IDisposable? _owner;
    private float* _pointer;
    private readonly bool _ownsMemory;

    private DenseMatrix(float* pointer, int rows, int columns, bool ownsMemory, IDisposable? owner, string name)
    {
        _pointer = pointer;
        Rows = rows;
        Columns = columns;
        _ownsMemory = ownsMemory;
        _owner = owner;
        Name = name;
    }

    ~DenseMatrix()
    {
        Free();
    }

    /// <summary>The tensor name this matrix was loaded from (e.g. "model.layers.0.mlp.up_proj.weight"), or a description.</summary>
    public string Name { get; }

    public int Rows { get; }

    public int Columns { get; }

    public long ElementCount => (long)Rows * Columns;

    public float* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return _pointer;
        }
    }

    public Span<float> Span => new(Pointer, checked((int)ElementCount));

    public Span<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"{Name} has {Rows} rows.");
        }
        return new Span<float>(Pointer + (long)row * Columns, Columns);
    }

    /// <summary>Allocates a zero-filled, 64-byte aligned matrix that this object owns.</summary>
    public static DenseMatrix Allocate(int rows, int columns, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        nuint bytes = (nuint)Math.Max(1L, (long)rows * columns) * sizeof(float);
        var pointer = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(pointer, bytes);
        GC.AddMemoryPressure((long)bytes);
        return new DenseMatrix(pointer, rows, columns, ownsMemory: true, owner: null, name);
    }

    /// <summary>Wraps memory that someone else owns (e.g. a mapped safetensors file); <paramref name="owner"/> is kept alive and disposed with this matrix, if given.</summary>
    public static DenseMatrix Wrap(float* pointer, int rows, int columns, string name, IDisposable? owner = null)
    {
        if (pointer == null)
        {
            throw new ArgumentNullException(nameof(pointer));
        }
        return new DenseMatrix(pointer, rows, columns, ownsMemory: false, owner, name);
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_pointer == null)
        {
            return;
        }
        if (_ownsMemory)
        {
            NativeMemory.AlignedFree(_pointer);
            GC.RemoveMemoryPressure(Math.Max(1L, ElementCount) * sizeof(float));
        }
        _owner?.Dispose();
        _pointer = null;
    }
}
