// An export end to end: bake the variant's edits into weights (WeightBaker), then write a Hugging Face folder or a
// GGUF file with everything that travels with it — config, tokenizer files, chat template, generation settings, the
// ban list of a −∞ vocabulary edit (logit_bias.json, llama.cpp.args), an Ollama Modelfile for GGUF, and the model
// card. The output folder appears only when complete.
using System.Text.Json.Nodes;
using Unlearn.Models.Config;
using Unlearn.Models.Export.Gguf;
using Unlearn.Models.Export.HuggingFace;
using Unlearn.Models.Export.Release;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Models.Export;

public sealed record ExportRequest
{
    public required ExportFormat Format { get; init; }

    public ExportDType DType { get; init; } = ExportDType.F32;

    public required string OutputFolder { get; init; }

    public required ModelCardInfo Card { get; init; }

    /// <summary>Shards a Hugging Face export whose weights exceed this many bytes.</summary>
    public long MaxShardBytes { get; init; } = HuggingFaceWriter.DefaultMaxShardBytes;

    /// <summary>The Jinja chat template to ship; null keeps the tokenizer's own (tokenizer_config.json).</summary>
    public string? ChatTemplateJinja { get; init; }

    /// <summary>The chat format the Ollama TEMPLATE renders; null uses the one detected from the tokenizer's template.</summary>
    public ChatTemplate? ChatFormat { get; init; }
}

public sealed record ExportResult(string Folder, IReadOnlyList<string> Files, IReadOnlyList<int> BannedTokens, bool Untied);

public static class ModelExporter
{
    /// <summary>Tokenizer files copied from the model folder as they are.</summary>
    private static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json", "special_tokens_map.json", "chat_template.jinja"];

    /// <exception cref="ExportRefusedException">An edit or the model cannot be expressed in the format.</exception>
    public static ExportResult Export(PretrainedModel source, IReadOnlyList<IExportEdit> edits, ExportRequest request)
    {
        using var baked = WeightBaker.Bake(source.Model, edits);
        return Write(source, baked, request);
    }

    /// <summary>Writes an already baked model (its source supplies config, tokenizer and generation settings).</summary>
    public static ExportResult Write(PretrainedModel source, BakedModel baked, ExportRequest request)
    {
        // Refusals (a dtype the format lacks, an architecture or tokenizer llama.cpp cannot run) before anything is written.
        var tokenizer = source.Tokenizer;
        ChatTemplate? chat = null;
        if (request.Format == ExportFormat.HuggingFace)
        {
            _ = request.DType.ToSafetensors();
        }
        else
        {
            _ = GgufExporter.ArchitectureOf(baked.Model.Shape);
            if (tokenizer is null)
            {
                throw new ExportRefusedException($"a GGUF file carries its tokenizer, but '{source.Folder}' has none (tokenizer.json or tokenizer.model).");
            }
            chat = request.ChatFormat ?? ResolveChatFormat(tokenizer);
        }
        var files = new List<string>();
        ExportFiles.WriteFolder(request.OutputFolder, folder =>
        {
            files.AddRange(request.Format == ExportFormat.HuggingFace
                ? WriteHuggingFace(source, baked, request, folder)
                : WriteGguf(source, baked, request, chat!, folder));
            files.AddRange(VocabularyRelease.WriteSidecars(folder, baked.BannedTokens, baked.Model.Shape.VocabSize, tokenizer));
            ExportFiles.WriteText(Path.Combine(folder, ModelCard.FileName), ModelCard.Render(request.Card, baked, request.Format, request.DType, files));
            files.Add(ModelCard.FileName);
        });
        return new ExportResult(Path.GetFullPath(request.OutputFolder), files, baked.BannedTokens, baked.Untied);
    }

    /// <summary>The GGUF file name of an export: "model-&lt;dtype&gt;.gguf".</summary>
    public static string GgufFileName(ExportDType dtype) => $"model-{dtype.Name()}.gguf";

    private static List<string> WriteHuggingFace(PretrainedModel source, BakedModel baked, ExportRequest request, string folder)
    {
        var files = HuggingFaceWriter.WriteWeights(baked.Model, request.DType, folder, request.MaxShardBytes).ToList();
        var config = JsonNode.Parse(File.ReadAllText(source.Config.SourcePath))!.AsObject();
        config["tie_word_embeddings"] = baked.Model.Shape.TiedEmbeddings;
        config["torch_dtype"] = request.DType.TorchName();
        config.Remove("quantization_config");
        ExportFiles.WriteJson(Path.Combine(folder, "config.json"), config);
        files.Add("config.json");
        string generation = Path.Combine(source.Folder, GenerationDefaults.FileName);
        if (File.Exists(generation))
        {
            File.Copy(generation, Path.Combine(folder, GenerationDefaults.FileName));
            files.Add(GenerationDefaults.FileName);
        }
        string tokenizerFolder = TokenizerFolder(source);
        foreach (var name in TokenizerFiles.Where(n => File.Exists(Path.Combine(tokenizerFolder, n))))
        {
            File.Copy(Path.Combine(tokenizerFolder, name), Path.Combine(folder, name));
            files.Add(name);
        }
        string tokenizerConfig = Path.Combine(tokenizerFolder, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig) || request.ChatTemplateJinja is not null)
        {
            var json = File.Exists(tokenizerConfig) ? JsonNode.Parse(File.ReadAllText(tokenizerConfig))!.AsObject() : new JsonObject();
            if (request.ChatTemplateJinja is { } template)
            {
                json["chat_template"] = template;
            }
            ExportFiles.WriteJson(Path.Combine(folder, "tokenizer_config.json"), json);
            files.Add("tokenizer_config.json");
        }
        return files;
    }

    private static List<string> WriteGguf(PretrainedModel source, BakedModel baked, ExportRequest request, ChatTemplate chat, string folder)
    {
        var tokenizer = source.Tokenizer!;
        string file = GgufFileName(request.DType);
        var options = new GgufExportOptions
        {
            DType = request.DType.ToGgml(),
            Name = request.Card.Title,
            Tokenizer = tokenizer,
            BosId = source.Generation.BosTokenId ?? source.Config.BosTokenId,
            EosId = source.Generation.EosTokenIds.Concat(source.Config.EosTokenIds).Cast<int?>().FirstOrDefault(),
            ChatTemplate = request.ChatTemplateJinja ?? tokenizer.ChatTemplateSource,
        };
        GgufExporter.Write(baked.Model, options, Path.Combine(folder, file));
        string? note = request.Card.ReleaseCost is { } cost ? $"Measured {cost.Metric}: {cost.ZeroRow} in this zero-row form, {cost.NegativeInfinity} with the ban (see README.md)." : null;
        ExportFiles.WriteText(Path.Combine(folder, OllamaModelfile.FileName), OllamaModelfile.Render(file, chat, source.Generation, baked.BannedTokens.Count, note));
        return [file, OllamaModelfile.FileName];
    }

    private static ChatTemplate ResolveChatFormat(Unlearn.Tokenizers.Tokenizer tokenizer)
    {
        try
        {
            return tokenizer.ResolveChatTemplate();
        }
        catch (Unlearn.Tokenizers.TokenizerFormatException e)
        {
            throw new ExportRefusedException($"the Ollama Modelfile needs the chat format, and the tokenizer's chat template is none this tool knows ({e.Message}); name the format (--chat-format {string.Join("|", ChatFormats.Names)}).");
        }
    }

    private static string TokenizerFolder(PretrainedModel source) =>
        source.Tokenizer?.SourcePath is { } path && File.Exists(path) ? Path.GetDirectoryName(path)! : source.Folder;
}
