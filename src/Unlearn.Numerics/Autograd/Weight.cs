// What an op reads as a weight: a trainable Parameter (gradient accumulated into it), or frozen memory that costs no
// gradient memory at all — a loaded DenseMatrix (memory-mapped or native), a float[] or a raw pointer. Conversions
// are implicit from Parameter, DenseMatrix and float[] (a vector), so a model passes its weights as they are; a null
// converts to a null Weight, so an optional bias can be passed straight through.
using System.Diagnostics.CodeAnalysis;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Numerics.Autograd;

public sealed unsafe class Weight
{
    private readonly Parameter? _parameter;
    private readonly DenseMatrix? _matrix;
    private readonly float[]? _array;
    private readonly float* _pointer;
    private readonly string? _name;

    private Weight(Parameter? parameter, DenseMatrix? matrix, float[]? array, float* pointer, int rows, int columns, string name)
    {
        _parameter = parameter;
        _matrix = matrix;
        _array = array;
        _pointer = pointer;
        Rows = rows;
        Columns = columns;
        _name = name;
    }

    /// <summary>Rows of the matrix; 1 for a vector.</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix; the length of a vector.</summary>
    public int Columns { get; }

    public string Name => _name ?? "(no weight)";

    public int Length => Rows * Columns;

    /// <summary>The parameter behind this weight, or null when it is frozen.</summary>
    public Parameter? Parameter => _parameter;

    public bool IsTrainable => _parameter is not null;

    public ReadOnlySpan<float> Values
    {
        get
        {
            if (_parameter is not null)
            {
                return _parameter.Value;
            }
            if (_matrix is not null)
            {
                return new ReadOnlySpan<float>(_matrix.Pointer, Length);
            }
            if (_array is not null)
            {
                return _array;
            }
            return new ReadOnlySpan<float>(_pointer, Length);   // Frozen(float*) checked the pointer
        }
    }

    /// <summary>The parameter's gradient buffer; only for trainable weights.</summary>
    internal Span<float> Gradient => _parameter?.Gradient
        ?? throw new InvalidOperationException($"Weight '{Name}' is frozen and has no gradient.");

    [return: NotNullIfNotNull(nameof(parameter))]
    public static implicit operator Weight?(Parameter? parameter) =>
        parameter is null ? null : new Weight(parameter, null, null, null, parameter.Rows, parameter.Columns, parameter.Name);

    [return: NotNullIfNotNull(nameof(matrix))]
    public static implicit operator Weight?(DenseMatrix? matrix) =>
        matrix is null ? null : new Weight(null, matrix, null, null, matrix.Rows, matrix.Columns, matrix.Name);

    /// <summary>A frozen vector (a norm weight, a bias).</summary>
    [return: NotNullIfNotNull(nameof(vector))]
    public static implicit operator Weight?(float[]? vector) => vector is null ? null : Frozen(vector, 1, vector.Length, "(vector)");

    /// <summary>A frozen [rows, columns] matrix (or vector with rows = 1) held in an array, read in place.</summary>
    public static Weight Frozen(float[] values, int rows, int columns, string name)
    {
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * columns != values.Length)
        {
            throw new ArgumentException($"Weight '{name}': [{rows}, {columns}] does not match {values.Length} values.", nameof(values));
        }
        return new Weight(null, null, values, null, rows, columns, name);
    }

    /// <summary>A frozen [rows, columns] matrix behind a raw pointer; the memory must outlive every use of the tape.</summary>
    public static Weight Frozen(float* pointer, int rows, int columns, string name)
    {
        if (pointer == null)
        {
            throw new ArgumentNullException(nameof(pointer));
        }
        return new Weight(null, null, null, pointer, rows, columns, name);
    }

    public override string ToString() => $"{Name} [{Rows}, {Columns}]{(IsTrainable ? " trainable" : " frozen")}";
}
