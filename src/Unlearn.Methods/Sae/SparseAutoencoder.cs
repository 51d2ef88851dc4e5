// A TopK sparse autoencoder (Gao et al. 2024; METHODS.md "SAE"):
//   pre = (x − b_dec) W_enc + b_enc;   z = ReLU(TopK_k(pre));   x̂ = z W_dec + b_dec,
// with W_dec's rows (the latents' directions) at unit norm. The encoder is stored transposed, as rows
// EncoderWeight[f, :] = W_enc[:, f] (sparsify's encoder.weight), so the encoder is one dense x·Eᵀ product and the
// encoder gradient, like the decoder's, touches k rows per token; the SAELens file layout (W_enc [d_in, d_sae]) is
// produced on save. Where the SAE was read from (site and layer) is part of it, so a consumer can refuse one trained
// elsewhere. Encoding and decoding are in SparseAutoencoder.Codes.cs.
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Sae;

public sealed partial class SparseAutoencoder
{
    public SparseAutoencoder(SaeShape shape, HookSite site)
    {
        shape.Validate("SparseAutoencoder");
        Shape = shape;
        Site = site;
        EncoderWeight = new float[(long)shape.LatentCount * shape.InputWidth];
        EncoderBias = new float[shape.LatentCount];
        DecoderWeight = new float[(long)shape.LatentCount * shape.InputWidth];
        DecoderBias = new float[shape.InputWidth];
    }

    public SaeShape Shape { get; }

    /// <summary>Where the autoencoder reads and writes the model's activations.</summary>
    public HookSite Site { get; }

    public int InputWidth => Shape.InputWidth;

    public int LatentCount => Shape.LatentCount;

    public int K => Shape.K;

    /// <summary>[d_sae, d_in]: row f is column f of W_enc.</summary>
    public float[] EncoderWeight { get; }

    /// <summary>[d_sae] b_enc.</summary>
    public float[] EncoderBias { get; }

    /// <summary>[d_sae, d_in] W_dec: row f is latent f's direction.</summary>
    public float[] DecoderWeight { get; }

    /// <summary>[d_in] b_dec.</summary>
    public float[] DecoderBias { get; }

    /// <summary>Subtract b_dec from the input before encoding (SAELens' apply_b_dec_to_input; true for every SAE trained here).</summary>
    public bool ApplyDecoderBiasToInput { get; init; } = true;

    public ReadOnlySpan<float> DecoderRow(int latent) => DecoderWeight.AsSpan(latent * InputWidth, InputWidth);

    public ReadOnlySpan<float> EncoderRow(int latent) => EncoderWeight.AsSpan(latent * InputWidth, InputWidth);

    /// <summary>A deep copy (the same site and sizes).</summary>
    public SparseAutoencoder Clone()
    {
        var copy = new SparseAutoencoder(Shape, Site) { ApplyDecoderBiasToInput = ApplyDecoderBiasToInput };
        EncoderWeight.CopyTo(copy.EncoderWeight, 0);
        EncoderBias.CopyTo(copy.EncoderBias, 0);
        DecoderWeight.CopyTo(copy.DecoderWeight, 0);
        DecoderBias.CopyTo(copy.DecoderBias, 0);
        return copy;
    }

    /// <summary>Refuses an autoencoder whose site or input width is not the one a consumer needs.</summary>
    /// <exception cref="SaeException">The SAE was trained elsewhere or for another width.</exception>
    public void RequireSite(HookSite site, int width, string source)
    {
        if (Site != site || InputWidth != width)
        {
            throw new SaeException(
                $"{source}: the SAE reads {Site.Name} (d_in {InputWidth}) but {site.Name} (width {width}) was asked for. Use an SAE trained at that site, or set sae.layer / sae.site to {Site.Name}.");
        }
    }
}
