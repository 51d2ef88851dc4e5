// `unlearn export`: a model folder plus edit files → a Hugging Face folder or a GGUF file with the edits baked in.
//   unlearn export --model DIR [--edits masks.safetensors|vocab-edits.json]... [--adapter DIR [--keep-masks false]]
//                  --format hf|gguf [--dtype f32|f16|bf16|q8_0] --out DIR [--tokenizer DIR] [--name NAME]
//                  [--expectations DIR --check-prompt TEXT [--check-strings FILE]]
// The low-level verb: an experiment's variants export through the Export target (and --experiment/--variant) once
// the shared variant resolver exists. --expectations writes what llama.cpp must reproduce (tests/llamacpp/check.mjs).
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

internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model folder (the base model)", Required = true };
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
            model, edits, adapter, keepMasks, format, dtype, output, tokenizer, chatFormat, name, expectations, checkPrompt, checkStrings,
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
            string folder = parse.GetValue(model)!;
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
                var (tolerance, floor) = ClientCheckSettings.TolerancesFor(exportDType);
                var settings = new ClientCheckSettings
                {
                    Prompt = parse.GetValue(checkPrompt)!,
                    TokenizerStrings = parse.GetValue(checkStrings) is { } file ? ReadTestStrings(file) : [],
                    LogProbTolerance = tolerance,
                    LogProbFloor = floor,
                };
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
