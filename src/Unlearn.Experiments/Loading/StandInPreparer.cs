// A model folder with a stand-in.json is made, not downloaded (StandInModel): the loader materialises it before it
// reads config.json, so `./build.sh --experiment chair-rehearsal` works on a fresh clone. The files it copies in
// must lie inside the repository, like every path an experiment names (unless outside paths are allowed).
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using Unlearn.Models.Formats;
using Unlearn.Models.StandIn;

namespace Unlearn.Experiments.Loading;

internal static class StandInPreparer
{
    public static void Prepare(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics, bool allowOutside)
    {
        var folder = config.Model.FullPath;
        if (!Directory.Exists(folder) || !StandInModel.IsStandIn(folder))
        {
            return;
        }
        var position = sources.Locate("model");
        try
        {
            var spec = StandInSpec.Load(Path.Combine(folder, StandInSpec.FileName));
            var outside = spec.Copies.Where(c => !PathResolver.IsInside(c.Value, config.RepositoryRoot)).ToArray();
            if (outside.Length > 0 && !allowOutside)
            {
                diagnostics.Error(DiagnosticCodes.PathOutsideRepository, "model", position,
                    $"'model': {spec.Path} copies '{outside[0].Value}' (copy.{outside[0].Key}), outside the repository '{config.RepositoryRoot}'. "
                    + "Copy the file into the repository, or allow it explicitly (--allow-outside, or -p:AllowOutside=true).");
                return;
            }
            StandInModel.Materialise(spec);
        }
        catch (ModelFormatException exception)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "model", position, $"'model': the stand-in model cannot be made: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "model", position, $"'model': the stand-in model in '{folder}' cannot be made: {exception.Message}");
        }
    }
}
