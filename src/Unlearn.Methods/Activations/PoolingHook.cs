// The observer activation capture installs for mean and last pooling: at every captured site it pools each batch row's
// valid (and, unless asked otherwise, non-special) positions straight into the output buffer of that row's example, so
// nothing larger than the output is ever kept. Means are accumulated in double, in position order. Token pooling has
// its own hook (TokenCaptureHook).
using System.Runtime.InteropServices;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Activations;

internal sealed class PoolingHook : IActivationHook
{
    private readonly Dictionary<HookSite, int> _slots;
    private readonly Pooling _pooling;
    private readonly bool _includeSpecial;
    private readonly bool[] _isSpecial;
    private readonly byte[][][] _buffers;
    private readonly List<(int Group, int Row)> _targets = [];
    private double[] _sums = [];

    /// <param name="buffers">[group][slot] float32 bytes of that class's rows [rows, width of the slot's site].</param>
    public PoolingHook(IReadOnlyList<HookSite> sites, Pooling pooling, bool includeSpecial, bool[] isSpecial, byte[][][] buffers)
    {
        _slots = sites.Select((site, slot) => (site, slot)).ToDictionary(p => p.site, p => p.slot);
        _pooling = pooling;
        _includeSpecial = includeSpecial;
        _isSpecial = isSpecial;
        _buffers = buffers;
    }

    /// <summary>Sets the destination of each batch row for the next forward call: its class and first output row.</summary>
    public void SetTargets(IEnumerable<(int Group, int Row)> targets)
    {
        _targets.Clear();
        _targets.AddRange(targets);
    }

    public bool Wants(HookSite site) => _slots.ContainsKey(site);

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
    {
        int slot = _slots[site];
        int width = context.Width;
        int columns = context.ColumnCount;
        if (_sums.Length < width)
        {
            _sums = new double[width];
        }
        for (int b = 0; b < context.BatchSize; b++)
        {
            var (group, row) = _targets[b];
            Span<float> destination = MemoryMarshal.Cast<byte, float>(_buffers[group][slot].AsSpan());
            ReadOnlySpan<float> rows = activations.Slice(b * columns * width, columns * width);
            switch (_pooling)
            {
                case Pooling.Last:
                    Last(rows, context, b, width, destination.Slice(row * width, width));
                    break;
                default:
                    Mean(rows, context, b, width, destination.Slice(row * width, width));
                    break;
            }
        }
    }

    private bool Pooled(in HookContext context, int cell) =>
        context.Valid[cell] && (_includeSpecial || !_isSpecial[context.Tokens[cell]]);

    private void Mean(ReadOnlySpan<float> rows, in HookContext context, int b, int width, Span<float> destination)
    {
        Span<double> sums = _sums.AsSpan(0, width);
        sums.Clear();
        int count = 0;
        for (int t = 0; t < context.ColumnCount; t++)
        {
            if (!Pooled(context, b * context.ColumnCount + t))
            {
                continue;
            }
            ReadOnlySpan<float> values = rows.Slice(t * width, width);
            for (int j = 0; j < width; j++)
            {
                sums[j] += values[j];
            }
            count++;
        }
        for (int j = 0; j < width; j++)
        {
            destination[j] = (float)(sums[j] / count);
        }
    }

    private void Last(ReadOnlySpan<float> rows, in HookContext context, int b, int width, Span<float> destination)
    {
        for (int t = context.ColumnCount - 1; t >= 0; t--)
        {
            if (Pooled(context, b * context.ColumnCount + t))
            {
                rows.Slice(t * width, width).CopyTo(destination);
                return;
            }
        }
    }
}
