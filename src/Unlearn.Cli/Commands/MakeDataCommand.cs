// `unlearn make-data`: builds the model-generated files of an experiment's evaluation data with a named recipe.
//   unlearn make-data play --model models/stories260K --out data
// The model always runs on the managed GEMM, so the files are byte-identical whether or not OpenBLAS is installed.
// Each file is written to a temporary name and renamed into place; the hand-written files of the folder are left alone.
using System.CommandLine;
using System.Security.Cryptography;
using Unlearn.Evaluation;
using Unlearn.Evaluation.Data.Recipes;
using Unlearn.Models;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Cli.Commands;

internal static class MakeDataCommand
{
    public static Command Create()
    {
        var recipe = new Argument<string>("recipe") { Description = $"Recipe name ({string.Join(", ", DataRecipes.All.Select(r => r.Name))})" };
        var model = new Option<string>("--model") { Description = "Hugging Face model folder (the base model)", Required = true };
        var output = new Option<string>("--out") { Description = "Data root the generated files are written under (e.g. data: data/play-concept-def.json, data/play/...)", Required = true };
        var command = new Command("make-data", "Build an experiment's model-generated evaluation data, reproducibly.") { recipe, model, output };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            IDataRecipe chosen;
            try
            {
                chosen = DataRecipes.Find(parse.GetValue(recipe)!);
            }
            catch (ArgumentException e)
            {
                throw new CommandLineException(e.Message);
            }
            string folder = parse.GetValue(output)!;
            using var loaded = PretrainedModel.Load(parse.GetValue(model)!, new ModelLoadOptions { Gemm = ManagedGemm.Instance });
            IReadOnlyList<GeneratedFile> files;
            try
            {
                files = chosen.Build(loaded, new SynchronousProgress(line => Console.Error.WriteLine($"make-data {chosen.Name}: {line}")));
            }
            catch (EvaluationDataException e)
            {
                throw new InvalidOperationException(e.Message, e);
            }
            Directory.CreateDirectory(folder);
            foreach (var file in files)
            {
                string path = Path.Combine(folder, file.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                string temporary = $"{path}.partial-{Environment.ProcessId}";
                File.WriteAllBytes(temporary, file.Content);
                File.Move(temporary, path, overwrite: true);
                Console.Out.WriteLine($"{Convert.ToHexStringLower(SHA256.HashData(file.Content))}  {path}  ({file.Content.Length} bytes)");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    // Progress<T> posts to the thread pool, so lines could arrive out of order or after the command ends.
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
