// Opening an SAE folder whatever tool wrote it: SAELens (sae_weights.safetensors) or sparsify (sae.safetensors).
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Sae;

public static class SaeFiles
{
    /// <exception cref="SaeException">The folder holds neither layout, or its files are unusable.</exception>
    public static SparseAutoencoder Load(string folder, HookSite? site = null)
    {
        if (File.Exists(Path.Combine(folder, SaeLensFormat.WeightsFile)))
        {
            return SaeLensFormat.Load(folder, site);
        }
        if (File.Exists(Path.Combine(folder, SparsifyFormat.WeightsFile)))
        {
            return SparsifyFormat.Load(folder, site);
        }
        throw new SaeException(
            $"'{folder}' holds no SAE: expected {SaeLensFormat.WeightsFile} + {SaeLensFormat.ConfigFile} (SAELens) or {SparsifyFormat.WeightsFile} + {SparsifyFormat.ConfigFile} (sparsify).");
    }
}
