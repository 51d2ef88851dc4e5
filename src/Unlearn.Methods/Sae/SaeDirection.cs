// The concept direction of direction removal taken from an SAE (METHODS.md "Direction removal", edits.direction.source
// sae): the sum of the selected latents' decoder rows W_dec[f], each first scaled to unit length, normalised. Each
// feature counts once whatever its decoder norm (a pretrained SAE may keep its norms in the decoder, ours are unit), and
// with one feature u is that feature's direction. The sum rather than the top feature because discovery on a small
// model splits one concept into several context-specific latents (docs/sae.md): their shared direction is what they
// have in common. It is not a projection onto their span: direction removal removes one direction.
namespace Unlearn.Methods.Sae;

public static class SaeDirection
{
    /// <summary>u (unit length, in float) from the latents' decoder rows, accumulated in double.</summary>
    /// <exception cref="SaeException">No latent, a latent outside the SAE, a repeated one, a zero decoder row, or rows that cancel.</exception>
    public static float[] FromDecoderRows(SparseAutoencoder sae, IReadOnlyList<int> latents)
    {
        if (latents.Count == 0)
        {
            throw new SaeException("No SAE feature was selected, so there is no direction to remove: feature discovery (Saliency, method sae) kept none; loosen sae.discovery (max_neutral_freq, min_concept_count) or use edits.direction.source diff-means.");
        }
        if (latents.Distinct().Count() != latents.Count)
        {
            throw new SaeException($"The SAE features {string.Join(", ", latents)} repeat a latent.");
        }
        var sum = new double[sae.InputWidth];
        foreach (int latent in latents)
        {
            if ((uint)latent >= (uint)sae.LatentCount)
            {
                throw new SaeException($"SAE feature {latent} is outside the SAE's {sae.LatentCount} latents.");
            }
            var row = sae.DecoderRow(latent);
            double norm = Numerics.Kernels.DirectionProjection.Length(row);
            if (!(norm > 0) || !double.IsFinite(norm))
            {
                throw new SaeException($"The decoder row of SAE feature {latent} has zero or non-finite length: it has no direction.");
            }
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += row[i] / norm;
            }
        }
        double length = Math.Sqrt(sum.Sum(v => v * v));
        if (!(length > 1e-6 * latents.Count))
        {
            throw new SaeException($"The decoder rows of SAE features {string.Join(", ", latents)} cancel out (their unit sum has length {length:G3}): they share no direction.");
        }
        return sum.Select(v => (float)(v / length)).ToArray();
    }
}
