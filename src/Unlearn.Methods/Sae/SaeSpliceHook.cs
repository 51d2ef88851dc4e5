// Replaces the activation at an SAE's site with the SAE's reconstruction x̂ (or with zeros), at every real,
// non-special position: how CE-loss recovered is measured (SAELens evals.py get_recons_loss: the model's loss with x̂
// spliced in, against the clean loss and the loss with the site zero-ablated). Special tokens (BOS) keep their clean
// activation in all three runs, since the SAE was not trained on them.
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Methods.Sae;

public enum SpliceMode
{
    /// <summary>x ← x̂.</summary>
    Reconstruction,

    /// <summary>x ← 0.</summary>
    Zero,
}

public sealed class SaeSpliceHook(SparseAutoencoder sae, SpliceMode mode, IGemm gemm, IReadOnlySet<int>? skipTokens = null) : IActivationHook
{
    private readonly IReadOnlySet<int> _skip = skipTokens ?? new HashSet<int>();

    public bool Wants(HookSite site) => site == sae.Site;

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
    {
        int d = sae.InputWidth;
        var rows = new List<int>();
        for (int cell = 0; cell < context.BatchSize * context.ColumnCount; cell++)
        {
            if (context.Valid[cell] && !_skip.Contains(context.Tokens[cell]))
            {
                rows.Add(cell);
            }
        }
        if (mode == SpliceMode.Zero)
        {
            foreach (int row in rows)
            {
                activations.Slice(row * d, d).Clear();
            }
            return;
        }
        var x = new float[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            activations.Slice(rows[i] * d, d).CopyTo(x.AsSpan(i * d, d));
        }
        var reconstruction = sae.Reconstruct(x, rows.Count, gemm);
        for (int i = 0; i < rows.Count; i++)
        {
            reconstruction.AsSpan(i * d, d).CopyTo(activations.Slice(rows[i] * d, d));
        }
    }
}
