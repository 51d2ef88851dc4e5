// The SAELens layout of an SAE folder (SAELens 6.18.0, commit 91ca16c: sae_lens/saes/sae.py save_model and
// load_from_disk, sae_lens/saes/topk_sae.py, sae_lens/loading/pretrained_sae_loaders.py):
//   cfg.json                 {"architecture": "topk", "d_in", "d_sae", "k", "dtype", "device", "apply_b_dec_to_input",
//                             "normalize_activations": "none", "reshape_activations": "none",
//                             "rescale_acts_by_decoder_norm": false, "metadata": {"sae_lens_version", "model_name",
//                             "hook_name" (TransformerLens, e.g. blocks.3.hook_resid_post), "hook_head_index",
//                             "prepend_bos", "exclude_special_tokens", "context_size", "dataset_path",
//                             "model_from_pretrained_kwargs", …}}
//   sae_weights.safetensors  W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in], b_dec [d_in]
// metadata.sae_lens_version names the SAELens version whose layout is followed (SAELens reads configs without one as
// pre-6.0); metadata.unlearn_site names the site in this project's terms. Reading accepts F32/F16/BF16 weights,
// pre-6.0 configs (hook_point, activation_fn_kwargs.k) and rescale_acts_by_decoder_norm (folded into the weights as
// SAELens' _fold_norm_topk does); it refuses other architectures and activation normalisations.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Methods.Examples;
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Sae;

/// <summary>What SAELens records about where an SAE's activations came from.</summary>
public sealed record SaeLensMetadata
{
    public string ModelName { get; init; } = "";

    public int? ContextSize { get; init; }

    public string? DatasetPath { get; init; }

    public bool PrependBos { get; init; } = true;

    public bool ExcludeSpecialTokens { get; init; } = true;
}

public static class SaeLensFormat
{
    public const string ConfigFile = "cfg.json";
    public const string WeightsFile = "sae_weights.safetensors";

    /// <summary>The SAELens release whose file layout this code follows.</summary>
    public const string LayoutVersion = "6.18.0";

    public static void Save(SparseAutoencoder sae, string folder, SaeLensMetadata metadata)
    {
        Directory.CreateDirectory(folder);
        var writer = new SafetensorsWriter();
        writer.AddFloat32("W_enc", Transpose(sae.EncoderWeight, sae.LatentCount, sae.InputWidth), sae.InputWidth, sae.LatentCount);
        writer.AddFloat32("b_enc", sae.EncoderBias, sae.LatentCount);
        writer.AddFloat32("W_dec", sae.DecoderWeight, sae.LatentCount, sae.InputWidth);
        writer.AddFloat32("b_dec", sae.DecoderBias, sae.InputWidth);
        writer.Save(Path.Combine(folder, WeightsFile));
        ArtefactJson.Write(Path.Combine(folder, ConfigFile), w =>
        {
            w.WriteStartObject();
            w.WriteString("architecture", "topk");
            w.WriteNumber("d_in", sae.InputWidth);
            w.WriteNumber("d_sae", sae.LatentCount);
            w.WriteNumber("k", sae.K);
            w.WriteString("dtype", "float32");
            w.WriteString("device", "cpu");
            w.WriteBoolean("apply_b_dec_to_input", sae.ApplyDecoderBiasToInput);
            w.WriteString("normalize_activations", "none");
            w.WriteString("reshape_activations", "none");
            w.WriteBoolean("rescale_acts_by_decoder_norm", false);
            w.WriteStartObject("metadata");
            w.WriteString("sae_lens_version", LayoutVersion);
            w.WriteNull("sae_lens_training_version");
            w.WriteString("model_name", metadata.ModelName);
            w.WriteString("hook_name", TransformerLensHooks.HookName(sae.Site));
            w.WriteNull("hook_head_index");
            w.WriteBoolean("prepend_bos", metadata.PrependBos);
            w.WriteBoolean("exclude_special_tokens", metadata.ExcludeSpecialTokens);
            if (metadata.ContextSize is int context)
            {
                w.WriteNumber("context_size", context);
            }
            if (metadata.DatasetPath is { } dataset)
            {
                w.WriteString("dataset_path", dataset);
            }
            // Trained on the Hugging Face model's activations: TransformerLens must not centre the residual stream.
            w.WriteStartObject("model_from_pretrained_kwargs");
            w.WriteBoolean("center_writing_weights", false);
            w.WriteEndObject();
            w.WriteString("unlearn_site", sae.Site.Name);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads an SAELens folder.</summary>
    /// <param name="site">The site to assume when the config names none this project understands; null: it must name one.</param>
    /// <exception cref="SaeException">Missing or malformed files, another architecture, wrong shapes.</exception>
    public static SparseAutoencoder Load(string folder, HookSite? site = null)
    {
        string configPath = Path.Combine(folder, ConfigFile);
        var config = SaeConfigJson.Read(configPath);
        var metadata = config["metadata"] as JsonObject ?? new JsonObject();
        string architecture = SaeConfigJson.OptionalString(config, "architecture")
            ?? (SaeConfigJson.OptionalString(config, "activation_fn_str") ?? SaeConfigJson.OptionalString(config, "activation_fn")) switch
            {
                "topk" => "topk",
                var other => other ?? "standard",
            };
        if (architecture != "topk")
        {
            throw new SaeException($"'{configPath}': architecture '{architecture}' is not supported; this project reads TopK SAEs (architecture \"topk\").");
        }
        int dIn = SaeConfigJson.Int(config, "d_in", configPath);
        int dSae = SaeConfigJson.Int(config, "d_sae", configPath);
        int k = config["k"] is not null
            ? SaeConfigJson.Int(config, "k", configPath)
            : config["activation_fn_kwargs"] is JsonObject kwargs ? SaeConfigJson.Int(kwargs, "k", configPath) : throw new SaeException($"'{configPath}' gives no k (TopK's number of latents per token).");
        string normalize = SaeConfigJson.OptionalString(config, "normalize_activations") ?? "none";
        if (normalize != "none")
        {
            throw new SaeException($"'{configPath}': normalize_activations '{normalize}' is not supported (only \"none\"): the SAE expects rescaled inputs this project does not produce.");
        }
        string reshape = SaeConfigJson.OptionalString(config, "reshape_activations") ?? "none";
        if (reshape != "none")
        {
            throw new SaeException($"'{configPath}': reshape_activations '{reshape}' (per-head activations) is not supported.");
        }
        string hookName = SaeConfigJson.OptionalString(metadata, "hook_name") ?? SaeConfigJson.OptionalString(config, "hook_name") ?? SaeConfigJson.OptionalString(config, "hook_point") ?? "";
        var resolved = ResolveSite(SaeConfigJson.OptionalString(metadata, "unlearn_site"), hookName, site, configPath);
        var sae = new SparseAutoencoder(new SaeShape(dIn, dSae, k), resolved)
        {
            ApplyDecoderBiasToInput = config["apply_b_dec_to_input"] is not JsonValue apply || apply.GetValue<bool>(),
        };
        string weightsPath = Path.Combine(folder, WeightsFile);
        SaeConfigJson.ReadTensors(weightsPath, file =>
        {
            var encoder = SaeConfigJson.Tensor(file, "W_enc", weightsPath, dIn, dSae);
            Transpose(encoder, dIn, dSae).CopyTo(sae.EncoderWeight, 0);
            SaeConfigJson.Tensor(file, "b_enc", weightsPath, dSae).CopyTo(sae.EncoderBias, 0);
            SaeConfigJson.Tensor(file, "W_dec", weightsPath, dSae, dIn).CopyTo(sae.DecoderWeight, 0);
            SaeConfigJson.Tensor(file, "b_dec", weightsPath, dIn).CopyTo(sae.DecoderBias, 0);
        });
        if (config["rescale_acts_by_decoder_norm"] is JsonValue rescale && rescale.GetValue<bool>())
        {
            FoldDecoderNorms(sae);
        }
        return sae;
    }

    /// <summary>SAELens' _fold_norm_topk: scale encoder rows and b_enc by ‖d_f‖ and divide d_f by it, which leaves
    /// rescale_acts_by_decoder_norm's TopK choice and reconstruction unchanged with a unit-norm decoder.</summary>
    private static void FoldDecoderNorms(SparseAutoencoder sae)
    {
        int d = sae.InputWidth;
        for (int f = 0; f < sae.LatentCount; f++)
        {
            var row = sae.DecoderWeight.AsSpan(f * d, d);
            float norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(row));
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
            var encoder = sae.EncoderWeight.AsSpan(f * d, d);
            System.Numerics.Tensors.TensorPrimitives.Multiply(encoder, norm, encoder);
            sae.EncoderBias[f] *= norm;
        }
    }

    private static HookSite ResolveSite(string? unlearnSite, string hookName, HookSite? fallback, string configPath)
    {
        if (unlearnSite is not null && HookSite.TryParse(unlearnSite, out var own))
        {
            return own;
        }
        if (TransformerLensHooks.TryParse(hookName, out var parsed))
        {
            return parsed;
        }
        return fallback ?? throw new SaeException(
            $"'{configPath}': hook_name '{hookName}' is not a TransformerLens block hook this project maps to a site (blocks.N.hook_resid_pre, hook_attn_out, mlp.hook_post, hook_mlp_out, hook_resid_post); give the site explicitly.");
    }

    internal static float[] Transpose(float[] matrix, int rows, int columns)
    {
        var result = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(long)c * rows + r] = matrix[(long)r * columns + c];
            }
        }
        return result;
    }
}
