// The sizes that define a TopK sparse autoencoder: input width d_in, latent count d_sae and the number k of latents
// kept per token. Checkpoints, files and the stage's key record all three; a mismatch is refused (seed bug C-1: the
// prototype's checkpoint said k = 8 but its commands ran with whatever --k said).
namespace Unlearn.Methods.Sae;

public sealed record SaeShape(int InputWidth, int LatentCount, int K)
{
    public void Validate(string source)
    {
        if (InputWidth < 1 || LatentCount < 1 || K < 1 || K > LatentCount)
        {
            throw new SaeException($"{source}: d_in {InputWidth}, d_sae {LatentCount}, k {K} is not a TopK SAE (need d_in, d_sae ≥ 1 and 1 ≤ k ≤ d_sae).");
        }
    }

    public override string ToString() => $"d_in {InputWidth}, d_sae {LatentCount}, k {K}";
}
