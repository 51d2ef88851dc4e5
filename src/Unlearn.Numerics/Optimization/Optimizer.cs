// Base of the optimisers: the parameters it updates, the step counter, per-parameter state tensors ("slots", e.g. AdamW's
// exp_avg) created on first use, and saving/restoring all of it so a killed run resumes bit-identically
// (OptimizerStateFormat). Updates are elementwise, run in parallel fixed-size chunks, and give the same bits whatever
// the thread count. The learning rate is passed to every Step (from an ILearningRateSchedule), so it is not state.
using Unlearn.Numerics.Autograd;

namespace Unlearn.Numerics.Optimization;

public abstract class Optimizer
{
    // 16k elements per parallel chunk: large enough to amortise the fork, small enough to spread a LoRA matrix.
    private const int ChunkLength = 16384;

    private readonly Dictionary<string, float[]>[] _slots;
    private readonly ParallelOptions _parallel;

    protected Optimizer(IReadOnlyList<Parameter> parameters, int? maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            if (!names.Add(parameter.Name))
            {
                throw new ArgumentException($"Parameter '{parameter.Name}' is listed twice; every optimised parameter needs a unique name.", nameof(parameters));
            }
        }
        Parameters = [.. parameters];
        _slots = Parameters.Select(_ => new Dictionary<string, float[]>(StringComparer.Ordinal)).ToArray();
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Updates applied so far (PyTorch's state['step']); the first Step makes it 1.</summary>
    public long StepCount { get; private set; }

    /// <summary>Name written into saved state and checked on load: "AdamW", "SGD".</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// Applies one update with the given learning rate to every parameter from its accumulated gradient. A parameter
    /// that received no gradient is updated with zeros (decay still applies), where PyTorch would skip a None gradient.
    /// </summary>
    public void Step(double learningRate)
    {
        if (!double.IsFinite(learningRate) || learningRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and non-negative.");
        }
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            Update(i, Parameters[i], learningRate);
        }
    }

    /// <summary>Zeroes every parameter's gradient (after a step, before the next accumulation).</summary>
    public void ZeroGradients()
    {
        foreach (var parameter in Parameters)
        {
            parameter.ZeroGradient();
        }
    }

    /// <summary>Writes the step count, hyperparameters and every slot (OptimizerStateFormat) to <paramref name="stream"/>.</summary>
    public void SaveState(Stream stream)
    {
        var metadata = new Dictionary<string, string>(Hyperparameters, StringComparer.Ordinal)
        {
            ["optimizer"] = Kind,
            ["step"] = StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var tensors = new List<OptimizerStateFormat.Tensor>();
        for (int i = 0; i < Parameters.Count; i++)
        {
            foreach (var slot in SlotNames)
            {
                if (_slots[i].TryGetValue(slot, out var values))
                {
                    tensors.Add(new OptimizerStateFormat.Tensor($"{Parameters[i].Name}.{slot}", [.. Parameters[i].Shape], values));
                }
            }
        }
        OptimizerStateFormat.Write(stream, metadata, tensors);
    }

    /// <summary>
    /// Replaces the step count and slots with those saved by <see cref="SaveState"/>. The optimiser kind, hyperparameters,
    /// parameter names and shapes must match; otherwise an <see cref="OptimizerStateException"/> says which one differs.
    /// </summary>
    public void LoadState(Stream stream, string source = "optimizer state")
    {
        var loaded = new Dictionary<string, float[]>[Parameters.Count];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Parameters.Count; i++)
        {
            byName[Parameters[i].Name] = i;
            loaded[i] = new Dictionary<string, float[]>(StringComparer.Ordinal);
        }
        var metadata = OptimizerStateFormat.Read(stream, source, (name, shape) =>
        {
            int dot = name.LastIndexOf('.');
            string parameterName = dot < 0 ? name : name[..dot];
            string slot = dot < 0 ? "" : name[(dot + 1)..];
            if (!byName.TryGetValue(parameterName, out int index) || !SlotNames.Contains(slot))
            {
                throw new OptimizerStateException(source, name,
                    $"is not a state tensor of this {Kind} (its parameters: {string.Join(", ", Parameters.Take(3).Select(p => p.Name))}{(Parameters.Count > 3 ? ", …" : "")}; slots: {string.Join(", ", SlotNames)}). Was it saved for another model or adapter?");
            }
            var parameter = Parameters[index];
            if (!shape.SequenceEqual(parameter.Shape))
            {
                throw new OptimizerStateException(source, name, $"has shape [{string.Join(", ", shape)}] but parameter '{parameter.Name}' is [{string.Join(", ", parameter.Shape)}].");
            }
            var values = new float[parameter.Length];
            loaded[index][slot] = values;
            return values;
        });

        string kind = metadata.GetValueOrDefault("optimizer", "");
        if (kind != Kind)
        {
            throw new OptimizerStateException(source, "__metadata__.optimizer", $"is '{kind}' but this optimiser is {Kind}.");
        }
        foreach (var (key, value) in Hyperparameters)
        {
            if (metadata.GetValueOrDefault(key) != value)
            {
                throw new OptimizerStateException(source, $"__metadata__.{key}",
                    $"is {metadata.GetValueOrDefault(key) ?? "missing"} but this {Kind} has {value}; resume with the settings the run was saved with, or start a new run.");
            }
        }
        if (!long.TryParse(metadata.GetValueOrDefault("step"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long step))
        {
            throw new OptimizerStateException(source, "__metadata__.step", $"'{metadata.GetValueOrDefault("step")}' is not a step count.");
        }
        ValidateLoaded(step, loaded, source);
        StepCount = step;
        for (int i = 0; i < Parameters.Count; i++)
        {
            _slots[i].Clear();
            foreach (var (slot, values) in loaded[i])
            {
                _slots[i][slot] = values;
            }
        }
    }

    /// <summary>The slot names this optimiser keeps per parameter (a saved tensor is named "{parameter}.{slot}").</summary>
    protected abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>Hyperparameters in round-trip text, saved with the state and compared on load.</summary>
    protected abstract IReadOnlyDictionary<string, string> Hyperparameters { get; }

    /// <summary>Updates parameter <paramref name="index"/>; <see cref="StepCount"/> already counts this step.</summary>
    protected abstract void Update(int index, Parameter parameter, double learningRate);

    /// <summary>Checks that loaded slots are complete for <paramref name="step"/> (e.g. AdamW needs both moments once it has stepped).</summary>
    protected abstract void ValidateLoaded(long step, IReadOnlyList<IReadOnlyDictionary<string, float[]>> slots, string source);

    /// <summary>The slot's values for a parameter, created zero-filled on first use.</summary>
    protected float[] Slot(int index, string slot)
    {
        if (!_slots[index].TryGetValue(slot, out var values))
        {
            values = new float[Parameters[index].Length];
            _slots[index][slot] = values;
        }
        return values;
    }

    protected bool HasSlot(int index, string slot) => _slots[index].ContainsKey(slot);

    /// <summary>Runs body(start, length) over [0, length) in fixed chunks, in parallel; each chunk is independent.</summary>
    protected void ForChunks(int length, Action<int, int> body)
    {
        int chunks = (length + ChunkLength - 1) / ChunkLength;
        if (chunks <= 1)
        {
            body(0, length);
            return;
        }
        Parallel.For(0, chunks, _parallel, chunk =>
        {
            int start = chunk * ChunkLength;
            body(start, Math.Min(ChunkLength, length - start));
        });
    }

    protected static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
