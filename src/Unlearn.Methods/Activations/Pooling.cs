// How activation capture reduces a text's token positions to what it stores.
namespace Unlearn.Methods.Activations;

public enum Pooling
{
    /// <summary>The mean over the pooled positions: one row per example (the default).</summary>
    Mean,

    /// <summary>The last pooled position: one row per example.</summary>
    Last,

    /// <summary>Every pooled position: one row per token, with the example it came from (for SAE training).</summary>
    Tokens,
}

public static class PoolingNames
{
    public static string Name(Pooling pooling) => pooling switch
    {
        Pooling.Mean => "mean",
        Pooling.Last => "last",
        _ => "tokens",
    };

    public static bool TryParse(string text, out Pooling pooling)
    {
        foreach (var candidate in Enum.GetValues<Pooling>())
        {
            if (Name(candidate) == text)
            {
                pooling = candidate;
                return true;
            }
        }
        pooling = default;
        return false;
    }
}
