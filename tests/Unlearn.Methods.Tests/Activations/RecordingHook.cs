// A hand-rolled observer for the capture tests: keeps a copy of every activation it is shown, per site, so a
// test can pool positions itself and compare with what ActivationCapture stored.
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Tests.Activations;

internal sealed class RecordingHook(IReadOnlyCollection<HookSite> sites) : IActivationHook
{
    public Dictionary<HookSite, float[]> Seen { get; } = [];

    public bool Wants(HookSite site) => sites.Contains(site);

    public void OnActivation(HookSite site, Span<float> activations, in HookContext context) => Seen[site] = activations.ToArray();
}
