// The TransformerLens hook names that SAELens records as metadata.hook_name, for the project's five sites. Each is
// the same activation: blocks.{i}.hook_resid_pre is a block's input, hook_attn_out the attention output (o_proj),
// mlp.hook_post the MLP neurons (down_proj input), hook_mlp_out the MLP output, hook_resid_post the block output.
using System.Text.RegularExpressions;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Sae;

public static partial class TransformerLensHooks
{
    private static readonly (SiteKind Kind, string Suffix)[] Names =
    [
        (SiteKind.Input, "hook_resid_pre"),
        (SiteKind.AttentionOutput, "hook_attn_out"),
        (SiteKind.MlpActivation, "mlp.hook_post"),
        (SiteKind.MlpOutput, "hook_mlp_out"),
        (SiteKind.Residual, "hook_resid_post"),
    ];

    public static string HookName(HookSite site) => $"blocks.{site.Layer}.{Names.First(n => n.Kind == site.Kind).Suffix}";

    public static bool TryParse(string hookName, out HookSite site)
    {
        site = default;
        var match = HookPattern().Match(hookName);
        if (!match.Success)
        {
            return false;
        }
        int layer = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (kind, suffix) in Names)
        {
            if (match.Groups[2].Value == suffix)
            {
                site = new HookSite(layer, kind);
                return true;
            }
        }
        return false;
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex HookPattern();
}
