// Checks of what the files an experiment names contain, made when it is loaded so that a build fails in seconds,
// before any stage computes, rather than after an hour of it: the evaluation data folder (every file and its schema,
// read with Evaluate's own reader), the tokenizer (it loads, and its vocabulary is neither empty nor larger than the
// model's embedding), the first rows of a repair dataset (its format, with Repair's own reader), and objective forget's prompt files. Each check runs
// only when a stage about to be built reads that section; errors name the file and line the problem is in.
using System.Text.RegularExpressions;
using Unlearn.Evaluation;
using Unlearn.Evaluation.Data;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.FineTuning;
using Unlearn.Tokenizers;

namespace Unlearn.Experiments.Loading;

internal static partial class ContentChecks
{
    /// <summary>Rows of a repair dataset read at load time: enough to catch a wrong format, cheap for a 100k-row file.</summary>
    private const int DatasetRowsChecked = 200;

    [GeneratedRegex("^(?<file>.+):(?<line>[0-9]+)$")]
    private static partial Regex FileAndLine();

    /// <summary>
    /// Requirements of the stages about to be built (Evaluate needs evaluate.data), checked even without reading contents:
    /// when <paramref name="stages"/> names the stage, or for every stage when <paramref name="everyStage"/> (Status, which
    /// shows the stage blocked). An experiment loaded for no stage in particular may lack them.
    /// </summary>
    public static void Requirements(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics, IReadOnlySet<string>? stages, bool everyStage)
    {
        if ((stages?.Contains("Evaluate") == true || everyStage) && config.Evaluate.Data is null && !sources.IsWritten("evaluate.data"))
        {
            diagnostics.Error(DiagnosticCodes.MissingFile, "evaluate.data", sources.Locate("evaluate"),
                "Evaluate needs 'evaluate.data': a folder of probes, background text and multiple-choice items laid out like data/play/ "
                + "(see data/play/README.md; `unlearn make-data` writes one). Or build an earlier target (--target Repair).");
        }
    }

    public static void Apply(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics, IReadOnlySet<string>? stages)
    {
        if (Reads(stages, "Evaluate") && config.Evaluate.Data is { } data && Directory.Exists(data.FullPath))
        {
            EvaluationData(config, data, sources, diagnostics);
        }
        if (Reads(stages, "Repair") && config.Repair is { Enabled: true, Objective: Schema.RepairObjective.Repair, Dataset: { } dataset } && File.Exists(dataset.FullPath))
        {
            RepairDataset(config.Repair, dataset, diagnostics);
        }
        if (Reads(stages, "Repair") && config.Repair is { Enabled: true, Objective: Schema.RepairObjective.Forget } repair)
        {
            ForgetPrompts(repair.Forget.ForgetPrompts, "repair.forget.forget_prompts", diagnostics);
            ForgetPrompts(repair.Forget.RetainPrompts, "repair.forget.retain_prompts", diagnostics);
        }
        if (!diagnostics.Items.Any(d => d.IsError && d.FieldPath is "model" or "tokenizer"))
        {
            TokenizerVocabulary(config, sources, diagnostics);
        }
    }

    private static bool Reads(IReadOnlySet<string>? stages, string stage) => stages is null || stages.Contains(stage);

    private static void EvaluationData(ExperimentConfig config, ResolvedPath data, SourceMap sources, DiagnosticBag diagnostics)
    {
        try
        {
            EvaluationDataFolder.Load(data.FullPath, config.Evaluate.Prompts);
        }
        catch (EvaluationDataException exception)
        {
            var problem = exception.Message[(exception.Where.Length + 2)..];
            var match = FileAndLine().Match(exception.Where);
            if (match.Success && File.Exists(match.Groups["file"].Value))
            {
                diagnostics.Error(DiagnosticCodes.BadReferencedFile, "evaluate.data",
                    new SourcePosition(int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), 1, match.Groups["file"].Value),
                    $"Evaluation data: {problem}");
            }
            else if (File.Exists(exception.Where))
            {
                diagnostics.Error(DiagnosticCodes.BadReferencedFile, "evaluate.data", new SourcePosition(0, 0, exception.Where), $"Evaluation data: {problem}");
            }
            else
            {
                // A missing file, or a problem of the data set as a whole: point at the YAML key naming the folder.
                var where = exception.Where.StartsWith(data.FullPath, StringComparison.Ordinal)
                    ? Path.Combine(data.Written, Path.GetRelativePath(data.FullPath, exception.Where))
                    : exception.Where;
                diagnostics.Error(exception.Message.EndsWith("file not found.", StringComparison.Ordinal) ? DiagnosticCodes.MissingFile : DiagnosticCodes.BadReferencedFile,
                    "evaluate.data", sources.Locate("evaluate.data"),
                    $"'evaluate.data': {where}: {problem} The folder needs {string.Join(", ", EvaluationDataFolder.RequiredFiles)} (layout: data/play/README.md).");
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "evaluate.data", sources.Locate("evaluate.data"),
                $"'evaluate.data': cannot read '{data.Written}': {exception.Message}");
        }
    }

    private static void RepairDataset(RepairConfig repair, ResolvedPath dataset, DiagnosticBag diagnostics)
    {
        var format = repair.DatasetFormat switch
        {
            Schema.DatasetFormat.ShareGpt => Methods.FineTuning.DatasetFormat.ShareGpt,
            Schema.DatasetFormat.Messages => Methods.FineTuning.DatasetFormat.Messages,
            Schema.DatasetFormat.Alpaca => Methods.FineTuning.DatasetFormat.Alpaca,
            _ => Methods.FineTuning.DatasetFormat.Auto,
        };
        try
        {
            InstructionDataset.Load(dataset.FullPath, format, DatasetRowsChecked);
        }
        catch (DatasetFormatException exception)
        {
            var problem = exception.Message[(exception.Message.IndexOf(": ", exception.FilePath.Length, StringComparison.Ordinal) + 2)..];
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "repair.dataset", new SourcePosition(exception.Line ?? 0, exception.Line is null ? 0 : 1, exception.FilePath),
                $"Repair dataset: {problem}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, "repair.dataset", new SourcePosition(0, 0, dataset.FullPath),
                $"Repair dataset: cannot read it: {exception.Message}");
        }
    }

    /// <summary>A forget or retain prompt file, read with Repair's own reader (a missing file is the path check's to report).</summary>
    private static void ForgetPrompts(ResolvedPath? path, string field, DiagnosticBag diagnostics)
    {
        if (path is null || !File.Exists(path.FullPath))
        {
            return;
        }
        try
        {
            Stages.PromptList.Read(path.FullPath, field);
        }
        catch (Stages.PromptListException exception)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, field, new SourcePosition(exception.Line ?? 0, exception.Line is null ? 0 : 1, path.FullPath),
                $"'{field}': {exception.Problem}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, field, new SourcePosition(0, 0, path.FullPath), $"'{field}': cannot read it: {exception.Message}");
        }
    }

    private static void TokenizerVocabulary(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var field = config.Tokenizer is null ? "model" : "tokenizer";
        var position = sources.Locate(field);
        Tokenizer tokenizer;
        try
        {
            tokenizer = Tokenizer.Load(config.TokenizerPath);
        }
        catch (TokenizerFormatException exception)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, field, new SourcePosition(0, 0, exception.FilePath), $"The tokenizer cannot be used{(exception.Location is null ? "" : $" (at {exception.Location})")}: {exception.Problem}");
            return;
        }
        catch (Exception exception) when (exception is FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.MissingFile, field, position, $"The tokenizer cannot be read: {exception.Message}");
            return;
        }
        // Every id an added (special) token: no vocabulary to encode text with.
        if (tokenizer.VocabSize <= tokenizer.AddedTokens.Count)
        {
            diagnostics.Error(DiagnosticCodes.BadReferencedFile, field, new SourcePosition(0, 0, tokenizer.SourcePath),
                $"The tokenizer has an empty vocabulary (only {tokenizer.AddedTokens.Count} added token(s)); it cannot encode text. Is this the model's tokenizer file?");
        }
        else if (config.ModelInfo is { } model && tokenizer.VocabSize > model.VocabularySize)
        {
            diagnostics.Error(DiagnosticCodes.ModelMismatch, field, position,
                $"The tokenizer has {tokenizer.VocabSize} tokens but the model embeds only {model.VocabularySize} (vocab_size in config.json): "
                + "ids past the embedding would crash the forward pass. Is it the model's own tokenizer?");
        }
    }
}
