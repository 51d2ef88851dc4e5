// A reverse-mode autograd tape over coarse transformer operations (Tape.*.cs, one file per op). Each op computes its
// output at once and, when a gradient can flow through it, records a node; Backward runs the nodes in reverse. Ops
// are recorded in program order by one thread; inside an op the work is parallel over independent rows, heads or
// columns, so results never depend on thread scheduling. A gradient buffer is allocated only for a variable that
// needs one, and recycled as soon as its producer has consumed it unless the caller asked to keep it. Frozen weights
// cost no gradient memory. Usage per training step:
//   var loss = ...ops...;  tape.Backward(loss);  read gradients / step the optimiser;  tape.Reset();
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape : IDisposable
{
    private readonly List<Node> _nodes = [];
    private readonly List<Variable> _variables = [];
    private readonly Dictionary<string, Variable> _sites = new(StringComparer.Ordinal);
    private readonly BufferPool _pool = new();
    private int _generation;
    private bool _backwardDone;

    /// <param name="gemm">the matrix-multiply provider every linear op uses</param>
    /// <param name="maxDegreeOfParallelism">threads for row/head-parallel work; default: all processors</param>
    public Tape(IGemm gemm, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(gemm);
        Gemm = gemm;
        ParallelOptions = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
    }

    public IGemm Gemm { get; }

    /// <summary>Recorded nodes (ops through which a gradient can flow) in this recording.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Variables observed with <see cref="Observe"/>, by site name.</summary>
    public IReadOnlyDictionary<string, Variable> Sites => _sites;

    internal ParallelOptions ParallelOptions { get; }

    /// <summary>Floats held in the pool for the next recording.</summary>
    internal long PooledFloats => _pool.FreeFloats;

    /// <summary>
    /// An input [rows, width] read in place from <paramref name="values"/> (not copied: leave it unchanged until
    /// <see cref="Reset"/>). With <paramref name="requiresGradient"/> its gradient is computed and kept.
    /// </summary>
    public Variable Input(float[] values, int rows, int width, string name, bool requiresGradient = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (rows < 0 || width < 0 || (long)rows * width != values.Length)
        {
            throw new ArgumentException($"Tape input '{name}': [{rows}, {width}] does not match {values.Length} values.", nameof(values));
        }
        var variable = new Variable(this, _generation, name, rows, width, values, requiresGradient, ownsData: false);
        if (requiresGradient)
        {
            variable.RetainGradient();
        }
        _variables.Add(variable);
        return variable;
    }

    /// <summary>
    /// Marks <paramref name="variable"/> as the hook site <paramref name="site"/>: d loss / d variable is computed and kept
    /// after Backward even when nothing upstream is trainable (gradient saliency, Fisher scores). Call it right after the
    /// op that produced the variable, before any op reads it. Returns the variable.
    /// </summary>
    public Variable Observe(Variable variable, string site)
    {
        CheckOwned(variable, nameof(variable));
        ArgumentException.ThrowIfNullOrEmpty(site);
        if (!variable.RequiresGradient && variable.ConsumerCount > 0)
        {
            throw new InvalidOperationException(
                $"Cannot observe '{variable.Name}' as '{site}': {variable.ConsumerCount} op(s) already read it without recording a gradient. Observe it before using it.");
        }
        if (!_sites.TryAdd(site, variable))
        {
            throw new ArgumentException($"Site '{site}' is already observed on this tape ({_sites[site].Name}).", nameof(site));
        }
        variable.RequiresGradient = true;
        variable.RetainGradient();
        return variable;
    }

    /// <summary>The variable observed as <paramref name="site"/>.</summary>
    public Variable Site(string site) =>
        _sites.TryGetValue(site, out var variable)
            ? variable
            : throw new KeyNotFoundException($"No variable was observed as '{site}' on this tape. Observed: {string.Join(", ", _sites.Keys)}.");

    /// <summary>Back-propagates from a scalar loss [1, 1] (d loss / d loss = 1) through every recorded op.</summary>
    public void Backward(Variable loss)
    {
        CheckOwned(loss, nameof(loss));
        if (loss.Length != 1)
        {
            throw new ArgumentException($"Backward(loss) needs a [1, 1] scalar but '{loss.Name}' is [{loss.Rows}, {loss.Width}]; pass its gradient with Backward(output, outputGradient).", nameof(loss));
        }
        Backward(loss, [1f]);
    }

    /// <summary>Back-propagates a given d loss / d output (same shape as <paramref name="output"/>) through every recorded op.</summary>
    public void Backward(Variable output, ReadOnlySpan<float> outputGradient)
    {
        CheckOwned(output, nameof(output));
        if (outputGradient.Length != output.Length)
        {
            throw new ArgumentException($"The gradient of '{output.Name}' needs {output.Length} values, not {outputGradient.Length}.", nameof(outputGradient));
        }
        if (!output.RequiresGradient)
        {
            throw new InvalidOperationException(
                $"'{output.Name}' does not depend on anything trainable or observed; there is nothing to back-propagate. Check that the parameters are passed as Parameter and not as frozen weights.");
        }
        if (_backwardDone)
        {
            throw new InvalidOperationException("Backward already ran on this recording; call Reset and record the forward pass again.");
        }
        _backwardDone = true;
        var seed = GradientOf(output);
        for (int i = 0; i < seed.Length; i++)
        {
            seed[i] += outputGradient[i];
        }
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            var node = _nodes[i];
            if (node.Output.HasGradient)
            {
                node.Backward(this);
            }
            node.Release(this);
            if (!node.Output.RetainsGradient)
            {
                ReleaseGradient(node.Output);
                node.Output.GradientReleased = true;
            }
        }
        _nodes.Clear();
    }

    /// <summary>Ends the recording: every variable's buffers go back to the pool (their values and gradients become unreadable).</summary>
    public void Reset()
    {
        foreach (var node in _nodes)
        {
            node.Release(this);
        }
        _nodes.Clear();
        foreach (var variable in _variables)
        {
            ReleaseGradient(variable);
            if (variable.OwnsData && variable.IsAlive)
            {
                _pool.Return(variable.Data);
            }
            variable.Invalidate();
        }
        _variables.Clear();
        _sites.Clear();
        _pool.EndRecording();
        _generation++;
        _backwardDone = false;
    }

    /// <summary>Resets and drops the pooled buffers.</summary>
    public void Dispose()
    {
        Reset();
        _pool.Clear();
    }

    internal float[] Rent(int length, bool clear) => _pool.Rent(length, clear);

    internal void Return(float[]? buffer)
    {
        if (buffer is not null)
        {
            _pool.Return(buffer);
        }
    }

    /// <summary>A new op output [rows, width] backed by a pooled (uninitialised) buffer the op must fill.</summary>
    internal Variable NewVariable(string name, int rows, int width, bool requiresGradient)
    {
        var variable = new Variable(this, _generation, name, rows, width, _pool.Rent(checked(rows * width), clear: false), requiresGradient, ownsData: true);
        _variables.Add(variable);
        return variable;
    }

    /// <summary>Counts <paramref name="input"/> as read by a new op (after checking it belongs to this recording).</summary>
    internal void Use(Variable input, string argument)
    {
        CheckOwned(input, argument);
        if (input.ValueOverwritten)
        {
            throw new InvalidOperationException($"'{input.Name}' was overwritten by its gradient and cannot be read by another op.");
        }
        input.ConsumerCount++;
    }

    internal void Record(Node node)
    {
        if (_backwardDone)
        {
            throw new InvalidOperationException("Backward already ran on this recording; call Reset before recording new ops.");
        }
        _nodes.Add(node);
    }

    /// <summary>The gradient buffer of a variable, allocated zero-filled on first use.</summary>
    internal Span<float> GradientOf(Variable variable)
    {
        variable.GradientBuffer ??= _pool.Rent(variable.Length, clear: true);
        return variable.GradientBuffer.AsSpan(0, variable.Length);
    }

    internal string AutoName(string? name, string op) => name ?? $"{op}#{_variables.Count}";

    internal void CheckOwned(Variable variable, string argument)
    {
        ArgumentNullException.ThrowIfNull(variable, argument);
        if (!ReferenceEquals(variable.Tape, this))
        {
            throw new ArgumentException($"'{variable.Name}' belongs to another tape.", argument);
        }
        if (variable.Generation != _generation || !variable.IsAlive)
        {
            throw new ArgumentException($"'{variable.Name}' belongs to an earlier recording of this tape (before Reset).", argument);
        }
    }

    /// <summary>
    /// Runs body(start, length) over [0, count) in blocks of <paramref name="blockSize"/> (the last one shorter), in
    /// parallel. Block boundaries depend on nothing but the count, so a kernel that chunks or vectorises inside a block
    /// sees the same boundaries whatever the thread count: results are identical with 1 thread or 16.
    /// </summary>
    internal void ForBlocks(int count, int blockSize, Action<int, int> body)
    {
        if (count <= 0)
        {
            return;
        }
        int blockCount = (count + blockSize - 1) / blockSize;
        if (blockCount == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, blockCount, ParallelOptions, block =>
        {
            int start = block * blockSize;
            body(start, Math.Min(blockSize, count - start));
        });
    }

    private void ReleaseGradient(Variable variable)
    {
        var buffer = variable.GradientBuffer;
        if (buffer is null)
        {
            return;
        }
        variable.GradientBuffer = null;
        if (!variable.GradientAliasesData)
        {
            _pool.Return(buffer);
        }
    }
}
