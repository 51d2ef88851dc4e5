// `unlearn export`: a variant of an experiment, or a model folder plus edit files, → a Hugging Face folder or a GGUF
// file with the edits baked in.
//   unlearn export --experiment NAME --variant V --format hf|gguf [--dtype f32|f16|bf16|q8_0] --out DIR [--release-cost false]
//   unlearn export --model DIR [--edits masks.safetensors|vocab-edits.json]... [--adapter DIR [--keep-masks false]]
//                  --format hf|gguf [--dtype f32|f16|bf16|q8_0] --out DIR [--tokenizer DIR] [--name NAME]
//   either with [--expectations DIR --check-prompt TEXT [--check-strings FILE]] (gguf)
// --experiment brings the variant's stages up to date and resolves it with VariantResolver (ExportCommand.Experiment.cs);
// --expectations writes what llama.cpp must reproduce (tests/llamacpp/check.mjs).
using System.CommandLine;
using Unlearn.Models;
using Unlearn.Models.Edits;
using Unlearn.Models.Export;
using Unlearn.Models.Export.Checks;
using Unlearn.Models.Export.Gguf;
using Unlearn.Models.Formats.Gguf;
using Unlearn.Models.Lora;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Cli.Commands;

internal static partial class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Hugging Face model folder (the base model); or --experiment" };
        var experiment = new Option<string?>("--experiment") { Description = "Experiment name (experiments/NAME.yaml) or YAML path whose variant to export (with --variant)" };
        var variant = new Option<string?>("--variant") { Description = "The experiment's variant: base, concept, random, vocab, hybrid, hybrid+repair" };
        var releaseCost = new Option<bool>("--release-cost") { Description = "With --experiment: measure the zero-row weights against the -inf variant for the model card (default true)", DefaultValueFactory = _ => true };
        var root = CommonOptions.Root();
        var edits = new Option<string[]>("--edits") { Description = "Edit files to bake in: masks.safetensors (row masks), vocab-edits.json (logit mask, zeroed embeddings); repeatable" };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT LoRA folder to merge (adapter_config.json + adapter_model.safetensors)" };
        var keepMasks = new Option<bool>("--keep-masks") { Description = "Zero the masked rows again after merging the adapter (default true; false lets the adapter write into them, as the seed did)", DefaultValueFactory = _ => true };
        var format = new Option<string>("--format") { Description = "hf (Hugging Face folder) or gguf (llama.cpp, Ollama)", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Tensor type: f32, f16, bf16 (hf and gguf) or q8_0 (gguf)", DefaultValueFactory = _ => "f32" };
        var output = new Option<string>("--out") { Description = "Output folder (replaced when it exists)", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer folder or file to use instead of the model folder's own" };
        var chatFormat = new Option<string?>("--chat-format") { Description = "Chat format of the Ollama TEMPLATE: llama3, llama3.1, chatml, chatml-plain, llama2, plain (default: detected from the tokenizer's chat template)" };
        var name = new Option<string?>("--name") { Description = "Model name for the model card and GGUF general.name (default: the model folder's name)" };
        var expectations = new Option<string?>("--expectations") { Description = "Also write what llama.cpp must reproduce into this folder (for tests/llamacpp/check.mjs; gguf only)" };
        var checkPrompt = new Option<string?>("--check-prompt") { Description = "Prompt of the --expectations check" };
        var checkStrings = new Option<string?>("--check-strings") { Description = "Tokenizer test strings for --expectations, separated by lines \"__ggml_vocab_test__\" (llama.cpp's .inp format)" };
        var command = new Command("export", "Bake edits into a model and write it as a Hugging Face folder or a GGUF file.")
        {
            model, experiment, variant, releaseCost, root, edits, adapter, keepMasks, format, dtype, output, tokenizer, chatFormat, name, expectations, checkPrompt, checkStrings,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            var exportFormat = parse.GetValue(format) switch
            {
                "hf" => ExportFormat.HuggingFace,
                "gguf" => ExportFormat.Gguf,
                var other => throw new CommandLineException($"--format: '{other}' is not hf or gguf"),
            };
            if (!ExportTypes.TryParse(parse.GetValue(dtype)!, out var exportDType))
            {
                throw new CommandLineException($"--dtype: '{parse.GetValue(dtype)}' is not f32, f16, bf16 or q8_0");
            }
            string? expectationsFolder = parse.GetValue(expectations);
            if (expectationsFolder is not null && (exportFormat != ExportFormat.Gguf || parse.GetValue(checkPrompt) is null))
            {
                throw new CommandLineException("--expectations needs --format gguf and --check-prompt TEXT");
            }
            var check = expectationsFolder is null ? null : CheckSettings(parse.GetValue(checkPrompt)!, parse.GetValue(checkStrings), exportDType);
            if (parse.GetValue(experiment) is { } experimentName)
            {
                if (parse.GetValue(model) is not null || (parse.GetValue(edits)?.Length ?? 0) > 0 || parse.GetValue(adapter) is not null)
                {
                    throw new CommandLineException("--experiment exports a variant with the experiment's own model and edits; drop --model, --edits and --adapter");
                }
                return ExportVariant(new VariantExportOptions(experimentName, parse.GetValue(variant) ?? throw new CommandLineException("--experiment needs --variant NAME"),
                    parse.GetValue(root), exportFormat, exportDType, parse.GetValue(output)!, parse.GetValue(releaseCost), expectationsFolder, check));
            }
            string folder = parse.GetValue(model) ?? throw new CommandLineException("give --model DIR (a model folder and edit files) or --experiment NAME --variant V");
            using var source = PretrainedModel.Load(folder, new ModelLoadOptions { TokenizerPath = parse.GetValue(tokenizer) });
            var exportEdits = Edits(source, parse.GetValue(edits) ?? [], parse.GetValue(adapter), parse.GetValue(keepMasks));
            var request = new ExportRequest
            {
                ChatFormat = parse.GetValue(chatFormat) is not { } formatName ? null
                    : ChatFormats.TryParse(formatName, out var parsed) ? ChatTemplate.For(parsed)
                    : throw new CommandLineException($"--chat-format: '{formatName}' is not one of {string.Join(", ", ChatFormats.Names)}"),
                Format = exportFormat,
                DType = exportDType,
                OutputFolder = parse.GetValue(output)!,
                Card = new ModelCardInfo
                {
                    Title = parse.GetValue(name) ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)),
                    BaseModel = Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)),
                },
            };
            using var baked = WeightBaker.Bake(source.Model, exportEdits);
            var result = ModelExporter.Write(source, baked, request);
            Console.Out.WriteLine($"wrote {result.Folder}: {string.Join(", ", result.Files)}");
            if (result.BannedTokens.Count > 0)
            {
                Console.Out.WriteLine($"{result.BannedTokens.Count} token(s) banned (logit −∞): the weights hold their zero-row form; the exact ban is in logit_bias.json");
            }
            if (expectationsFolder is not null)
            {
                Directory.CreateDirectory(expectationsFolder);
                var settings = check!;
                // f32: the baked model itself, the variant the file must reproduce exactly. f16/bf16/q8_0: the weights the file
                // holds, read back with our GGUF reader (which reads an f32 export back to the baked logits exactly: ExportTests).
                string gguf = ModelExporter.GgufFileName(exportDType);
                using var held = exportDType == ExportDType.F32 ? null
                    : GgufModelReader.Load(GgufFile.Open(Path.Combine(result.Folder, gguf)), baked.Model.Gemm, baked.Model.Shape.RopeScaling);
                ClientExpectations.Write(expectationsFolder, gguf, held ?? baked.Model, baked.BannedTokens, source.RequireTokenizer(), settings);
                Console.Out.WriteLine($"wrote {Path.GetFullPath(expectationsFolder)}: {ClientExpectations.FileName}, {ClientExpectations.LogProbFileName}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static IReadOnlyList<IExportEdit> Edits(PretrainedModel source, IEnumerable<string> files, string? adapterFolder, bool keepMasks)
    {
        var combined = ModelEdits.None;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"--edits: '{file}' does not exist.", file);
            }
            combined = combined.Combine(VariantEdits.ReadFile(file));
        }
        if (adapterFolder is null)
        {
            return combined.IsEmpty ? [] : [new MaskEdit(combined)];
        }
        var adapters = AdapterSet.LoadPeft(adapterFolder, source.Model.Shape);
        return VariantEdits.Repaired(combined, adapters, keepMasks, Path.GetFileName(Path.GetFullPath(adapterFolder).TrimEnd(Path.DirectorySeparatorChar)));
    }

    private static ClientCheckSettings CheckSettings(string prompt, string? stringsFile, ExportDType dtype)
    {
        var (tolerance, floor) = ClientCheckSettings.TolerancesFor(dtype);
        return new ClientCheckSettings
        {
            Prompt = prompt,
            TokenizerStrings = stringsFile is { } file ? ReadTestStrings(file) : [],
            LogProbTolerance = tolerance,
            LogProbFloor = floor,
        };
    }

    /// <summary>Strings of a llama.cpp vocab test input (.inp): each ends with a line "__ggml_vocab_test__".</summary>
    private static List<string> ReadTestStrings(string path)
    {
        var parts = File.ReadAllText(path).Split("\n__ggml_vocab_test__\n").ToList();
        if (parts.Count > 1 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1);
        }
        return parts;
    }
}
