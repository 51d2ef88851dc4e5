// A Hugging Face model folder opened for use: config.json, generation_config.json, the safetensors weights
// (F32 tensors are mapped, not copied; F16/BF16 are widened once into fp32), and the tokenizer when the folder
// has one. This is what every stage and CLI verb loads.
using Unlearn.Models.Config;
using Unlearn.Models.Formats;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Tokenizers;

namespace Unlearn.Models;

public sealed record ModelLoadOptions
{
    /// <summary>GEMM provider; null uses <see cref="Gemm.Current"/> (the managed kernel, or the one UNLEARN_GEMM names).</summary>
    public IGemm? Gemm { get; init; }

    /// <summary>The backend that runs the weights; null is the managed engine with <see cref="Gemm"/>.</summary>
    public IModelRuntimeFactory? Runtime { get; init; }

    /// <summary>Load the tokenizer found in the folder (an absent tokenizer is not an error).</summary>
    public bool LoadTokenizer { get; init; } = true;

    /// <summary>A tokenizer file or folder to use instead of the model folder's own.</summary>
    public string? TokenizerPath { get; init; }
}

public sealed class PretrainedModel : IDisposable
{
    private static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json", "tokenizer.bin"];

    private PretrainedModel(string folder, ModelConfig config, GenerationDefaults generation, IModelRuntime runtime, Tokenizer? tokenizer)
    {
        Folder = folder;
        Config = config;
        Generation = generation;
        Runtime = runtime;
        Tokenizer = tokenizer;
    }

    public string Folder { get; }

    public ModelConfig Config { get; }

    public GenerationDefaults Generation { get; }

    /// <summary>The backend running the weights: what every stage should use (docs/backends.md).</summary>
    public IModelRuntime Runtime { get; }

    /// <summary>The managed engine's model, for code not yet moved to <see cref="Runtime"/>.</summary>
    /// <exception cref="InvalidOperationException">the model was loaded on another backend</exception>
    public LlamaModel Model => (Runtime as ManagedRuntime)?.Model
        ?? throw new InvalidOperationException($"'{Folder}' runs on {Runtime.Description}; this code path needs the managed engine (settings.backend: managed) until it uses PretrainedModel.Runtime.");

    /// <summary>The folder's tokenizer, or null when it has none (ids-only use still works).</summary>
    public Tokenizer? Tokenizer { get; }

    public Tokenizer RequireTokenizer() =>
        Tokenizer ?? throw new ModelFormatException(Folder, $"no tokenizer found (looked for {string.Join(", ", TokenizerFiles)}); use ids, or add the model's tokenizer files to the folder.");

    /// <summary>
    /// Ids that end generation: the EOS ids of generation_config.json (else config.json, else the tokenizer), plus BOS.
    /// BOS is a stop id because a BOS mid-text starts a new document: models trained by llama2.c (stories260K) end a
    /// story by emitting BOS, and run.c stops there; Hugging Face models never emit BOS inside a reply.
    /// </summary>
    public IReadOnlyList<int> StopIds
    {
        get
        {
            var ids = new SortedSet<int>();
            IEnumerable<int> eos = Generation.EosTokenIds.Count > 0 ? Generation.EosTokenIds
                : Config.EosTokenIds.Count > 0 ? Config.EosTokenIds
                : Tokenizer?.EosId is int e ? [e] : [];
            ids.UnionWith(eos);
            int? bos = Generation.BosTokenId ?? Config.BosTokenId ?? Tokenizer?.BosId;
            if (bos is int b)
            {
                ids.Add(b);
            }
            return ids.ToArray();
        }
    }

    public static PretrainedModel Load(string folder, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        if (!Directory.Exists(folder))
        {
            throw new ModelFormatException(folder, "the model folder does not exist (expected a Hugging Face folder with config.json and *.safetensors).");
        }
        var config = ModelConfig.LoadFromFolder(folder);
        var generation = GenerationDefaults.LoadFromFolder(folder);
        var shape = ShapeOf(config);
        var checkpoint = SafetensorsCheckpoint.OpenFolder(folder);
        IModelRuntime runtime;
        try
        {
            runtime = (options.Runtime ?? new ManagedRuntimeFactory(options.Gemm)).Create(shape, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
        Tokenizer? tokenizer = null;
        try
        {
            if (options.LoadTokenizer && options.TokenizerPath is { } tokenizerPath)
            {
                tokenizer = Tokenizer.Load(tokenizerPath);
            }
            else if (options.LoadTokenizer && TokenizerFiles.Any(f => File.Exists(Path.Combine(folder, f))))
            {
                tokenizer = Tokenizer.Load(folder);
            }
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
        return new PretrainedModel(Path.GetFullPath(folder), config, generation, runtime, tokenizer);
    }

    /// <summary>The runtime shape a config describes.</summary>
    public static TransformerShape ShapeOf(ModelConfig config) => new()
    {
        Architecture = config.ArchitectureName,
        HiddenSize = config.ModelDim,
        IntermediateSize = config.IntermediateDim,
        LayerCount = config.LayerCount,
        HeadCount = config.HeadCount,
        KvHeadCount = config.KvHeadCount,
        HeadDim = config.HeadDim,
        VocabSize = config.VocabSize,
        RmsNormEps = (float)config.RmsNormEpsilon,
        RopeTheta = config.RopeTheta,
        RopeScaling = config.RopeScaling,
        TiedEmbeddings = config.TieWordEmbeddings,
        QkvBias = config.AttentionQkvBias,
        OutputBias = config.AttentionOutputBias,
        MaxPositions = config.MaxPositionEmbeddings,
    };

    public void Dispose() => Runtime.Dispose();
}
