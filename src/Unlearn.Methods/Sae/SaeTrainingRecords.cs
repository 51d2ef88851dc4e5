// What SAE training reports: one record per optimiser step (train_log.jsonl) and the run's result. Records hold only
// numbers that depend on the inputs (no timing), so the log is bit-identical for identical runs; numbers are written
// in round-trip form.
using System.Globalization;
using System.Text.Json.Nodes;

namespace Unlearn.Methods.Sae;

/// <param name="Step">1-based step number.</param>
/// <param name="Skipped">The loss or a gradient was not finite: nothing was updated.</param>
public sealed record SaeStepRecord(
    long Step, double Loss, double Mse, double AuxMse, double AuxScale, int AuxK, int DeadLatents, double L0,
    double GradientNorm, double LearningRate, bool Skipped)
{
    public JsonObject ToJson() => new()
    {
        ["step"] = Step,
        ["loss"] = Number(Loss),
        ["mse"] = Number(Mse),
        ["aux_mse"] = Number(AuxMse),
        ["aux_scale"] = Number(AuxScale),
        ["k_aux"] = AuxK,
        ["dead"] = DeadLatents,
        ["l0"] = Number(L0),
        ["grad_norm"] = Number(GradientNorm),
        ["lr"] = Number(LearningRate),
        ["skipped"] = Skipped,
    };

    public static SaeStepRecord FromJson(JsonNode node, string source)
    {
        T Field<T>(string name) => node[name] is JsonValue value && value.TryGetValue<T>(out var result)
            ? result
            : throw new SaeException($"'{source}': a step record lacks '{name}' or it has the wrong type; delete the checkpoint to start over.");
        double Double(string name) => node[name] switch
        {
            JsonValue value when value.TryGetValue<double>(out var d) => d,
            JsonValue value when value.TryGetValue<string>(out var s) => double.Parse(s, CultureInfo.InvariantCulture),
            _ => throw new SaeException($"'{source}': a step record lacks '{name}'; delete the checkpoint to start over."),
        };
        return new SaeStepRecord(Field<long>("step"), Double("loss"), Double("mse"), Double("aux_mse"), Double("aux_scale"), Field<int>("k_aux"),
            Field<int>("dead"), Double("l0"), Double("grad_norm"), Double("lr"), Field<bool>("skipped"));
    }

    /// <summary>Finite numbers as JSON numbers (round-trip); NaN and infinities as strings, which JSON cannot hold.</summary>
    private static JsonNode Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>The trained autoencoder and how training went.</summary>
/// <param name="DeadCounters">Per latent, training tokens since it last fired.</param>
/// <param name="ResumedFromStep">The checkpoint step this run continued from (0: a fresh start).</param>
public sealed record SaeTrainingResult(
    SparseAutoencoder Sae, IReadOnlyList<SaeStepRecord> Log, long[] DeadCounters, int SkippedSteps, long ResumedFromStep, long TokensSeen)
{
    /// <summary>Latents dead at the end of training (not fired for more than the dead window).</summary>
    public int DeadLatents(long deadTokens) => DeadCounters.Count(c => c > deadTokens);
}
