// A path as the user wrote it in the experiment file and the absolute path it resolves to (relative
// paths are relative to the YAML file's folder). Paths never enter content keys: the digests of the
// files they name do (see IStage.ExternalInputs).
namespace Unlearn.Experiments.Schema;

public sealed record ResolvedPath(string Written, string FullPath)
{
    public override string ToString() => Written;
}
