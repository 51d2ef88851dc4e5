// Reading EleutherAI sparsify's SAE folders (sparsify 1.3.0, commit 9d3b136: sparsify/sparse_coder.py
// SparseCoder.save_to_disk / load_from_disk, sparsify/config.py SparseCoderConfig):
//   cfg.json          {"activation": "topk", "expansion_factor", "normalize_decoder", "num_latents", "k", "multi_topk",
//                      "skip_connection", "transcode", "d_in"}; d_sae = num_latents, or d_in × expansion_factor when 0
//   sae.safetensors   encoder.weight [d_sae, d_in], encoder.bias [d_sae], W_dec [d_sae, d_in], b_dec [d_in]
// sparsify encodes ReLU(x − b_dec)·encoder.weightᵀ + encoder.bias then keeps the top k (the same code as TopK then
// ReLU) and decodes z·W_dec + b_dec. Transcoders, skip connections and the groupmax activation are refused. A
// sparsify folder names no site: it is the hookpoint's folder name (layers.N → layers.N.residual, layers.N.mlp →
// layers.N.mlp.out, layers.N.self_attn → layers.N.attn.out), or the caller says.
using System.Text.RegularExpressions;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Sae;

public static partial class SparsifyFormat
{
    public const string ConfigFile = "cfg.json";
    public const string WeightsFile = "sae.safetensors";

    /// <exception cref="SaeException">Missing or malformed files, an unsupported variant, wrong shapes, no site.</exception>
    public static SparseAutoencoder Load(string folder, HookSite? site = null)
    {
        string configPath = Path.Combine(folder, ConfigFile);
        var config = SaeConfigJson.Read(configPath);
        string activation = SaeConfigJson.OptionalString(config, "activation") ?? "topk";
        if (activation != "topk")
        {
            throw new SaeException($"'{configPath}': activation '{activation}' is not supported; this project reads TopK SAEs.");
        }
        if (SaeConfigJson.OptionalBool(config, "transcode", false))
        {
            throw new SaeException($"'{configPath}' is a transcoder (transcode: true), which predicts another site's activation; only autoencoders are supported.");
        }
        if (SaeConfigJson.OptionalBool(config, "skip_connection", false))
        {
            throw new SaeException($"'{configPath}' has a skip connection (W_skip), which this project's SAE does not model.");
        }
        int dIn = SaeConfigJson.Int(config, "d_in", configPath);
        int numLatents = config["num_latents"] is null ? 0 : SaeConfigJson.Int(config, "num_latents", configPath);
        int dSae = numLatents > 0 ? numLatents : dIn * SaeConfigJson.Int(config, "expansion_factor", configPath);
        int k = SaeConfigJson.Int(config, "k", configPath);
        var resolved = site ?? SiteFromFolder(folder) ?? throw new SaeException(
            $"'{folder}': a sparsify folder does not record its site and its name is not a hookpoint (layers.N, layers.N.mlp, layers.N.self_attn); give the site explicitly.");
        var sae = new SparseAutoencoder(new SaeShape(dIn, dSae, k), resolved);
        string weightsPath = Path.Combine(folder, WeightsFile);
        SaeConfigJson.ReadTensors(weightsPath, file =>
        {
            SaeConfigJson.Tensor(file, "encoder.weight", weightsPath, dSae, dIn).CopyTo(sae.EncoderWeight, 0);
            SaeConfigJson.Tensor(file, "encoder.bias", weightsPath, dSae).CopyTo(sae.EncoderBias, 0);
            SaeConfigJson.Tensor(file, "W_dec", weightsPath, dSae, dIn).CopyTo(sae.DecoderWeight, 0);
            SaeConfigJson.Tensor(file, "b_dec", weightsPath, dIn).CopyTo(sae.DecoderBias, 0);
        });
        return sae;
    }

    /// <summary>The site a sparsify hookpoint folder name stands for, or null.</summary>
    public static HookSite? SiteFromFolder(string folder)
    {
        var match = HookpointPattern().Match(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
        if (!match.Success)
        {
            return null;
        }
        int layer = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "" => new HookSite(layer, SiteKind.Residual),
            ".mlp" => new HookSite(layer, SiteKind.MlpOutput),
            _ => new HookSite(layer, SiteKind.AttentionOutput),
        };
    }

    [GeneratedRegex(@"^layers[._](\d+)(|\.mlp|\.self_attn)$")]
    private static partial Regex HookpointPattern();
}
