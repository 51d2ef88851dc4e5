// The observer token capture installs: every real (and, unless asked otherwise, non-special) position of each batch row
// is copied into its row of the shard buffer [rows, Σ widths], each site into its own column range, so a shard holds
// nothing but the rows it will write.
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Activations;

internal sealed class TokenCaptureHook : IActivationHook
{
    private readonly Dictionary<HookSite, int> _offsets;
    private readonly int _rowWidth;
    private readonly bool _includeSpecial;
    private readonly bool[] _isSpecial;
    private readonly float[] _buffer;
    private readonly List<int> _targets = [];

    /// <param name="buffer">[rows, rowWidth] the shard's activations</param>
    public TokenCaptureHook(IReadOnlyList<HookSite> sites, IReadOnlyList<int> columnOffsets, int rowWidth, bool includeSpecial, bool[] isSpecial, float[] buffer)
    {
        _offsets = sites.Select((site, slot) => (site, slot)).ToDictionary(p => p.site, p => columnOffsets[p.slot]);
        _rowWidth = rowWidth;
        _includeSpecial = includeSpecial;
        _isSpecial = isSpecial;
        _buffer = buffer;
    }

    /// <summary>The shard row where each batch row's first pooled position goes, for the next forward call.</summary>
    public void SetTargets(IEnumerable<int> firstRows)
    {
        _targets.Clear();
        _targets.AddRange(firstRows);
    }

    public bool Wants(HookSite site) => _offsets.ContainsKey(site);

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
    {
        int offset = _offsets[site];
        int width = context.Width;
        int columns = context.ColumnCount;
        for (int b = 0; b < context.BatchSize; b++)
        {
            int row = _targets[b];
            for (int t = 0; t < columns; t++)
            {
                int cell = b * columns + t;
                if (context.Valid[cell] && (_includeSpecial || !_isSpecial[context.Tokens[cell]]))
                {
                    activations.Slice(cell * width, width).CopyTo(_buffer.AsSpan(row * _rowWidth + offset, width));
                    row++;
                }
            }
        }
    }
}
