// Observers and interventions at hook sites. A hook sees the activation of every row of the batch at a site
// ([batchSize · columnCount, width], row b·columnCount + t) and may overwrite it in place (an intervention:
// SAE ablation, direction projection). Observers only read.
namespace Unlearn.Models.Hooks;

/// <summary>What a hook needs to know about the rows it is shown.</summary>
public readonly ref struct HookContext
{
    public HookContext(int batchSize, int columnCount, int width, ReadOnlySpan<bool> valid, ReadOnlySpan<int> tokens, ReadOnlySpan<int> positions, bool isDecodeStep)
    {
        BatchSize = batchSize;
        ColumnCount = columnCount;
        Width = width;
        Valid = valid;
        Tokens = tokens;
        Positions = positions;
        IsDecodeStep = isDecodeStep;
    }

    public int BatchSize { get; }

    public int ColumnCount { get; }

    public int Width { get; }

    /// <summary>[batchSize, columnCount] true for real tokens (padding rows hold meaningless values).</summary>
    public ReadOnlySpan<bool> Valid { get; }

    /// <summary>[batchSize, columnCount] the token id of each row.</summary>
    public ReadOnlySpan<int> Tokens { get; }

    /// <summary>[batchSize, columnCount] the RoPE position of each row.</summary>
    public ReadOnlySpan<int> Positions { get; }

    /// <summary>True when this call continues from a KV cache one token at a time.</summary>
    public bool IsDecodeStep { get; }
}

public interface IActivationHook
{
    /// <summary>Whether this hook wants to see <paramref name="site"/>; asked once per site and forward call.</summary>
    bool Wants(HookSite site);

    /// <param name="activations">[batchSize · columnCount, width]; writable.</param>
    void OnActivation(HookSite site, Span<float> activations, in HookContext context);
}
