// The engine's entry point for matrix multiplication: which provider runs (Current), how to choose one by
// name or environment (UNLEARN_GEMM), and span overloads that pin and call it (Gemm.Spans.cs).
// Selection only; the arithmetic lives in the providers.
namespace Unlearn.Numerics.Gemm;

public static partial class Gemm
{
    /// <summary>Environment variable that picks the provider: managed, openblas or reference.</summary>
    public const string ProviderVariable = "UNLEARN_GEMM";

    private static IGemm? current;

    /// <summary>Provider names accepted by <see cref="Create(string)"/> and <c>UNLEARN_GEMM</c>.</summary>
    public static IReadOnlyList<string> ProviderNames { get; } = ["openblas", "managed", "reference"];

    /// <summary>
    /// The provider the engine uses: the one set by <see cref="Use"/>, else the one <c>UNLEARN_GEMM</c> names, else the
    /// managed kernel. Read once, on first use. OpenBLAS is never chosen just because it is installed: results (and the
    /// content keys that record the provider) must not change with what a machine happens to have, and on small
    /// machines Debian's OpenBLAS is slower than the managed kernel at model shapes (compare providers).
    /// </summary>
    /// <exception cref="GemmConfigurationException">UNLEARN_GEMM names an unknown provider, or openblas when it is not installed.</exception>
    public static IGemm Current
    {
        get
        {
            IGemm? provider = Volatile.Read(ref current);
            if (provider is not null)
            {
                return provider;
            }
            provider = Select(Environment.GetEnvironmentVariable(ProviderVariable));
            return Interlocked.CompareExchange(ref current, provider, null) ?? provider;
        }
    }

    /// <summary>Makes <paramref name="provider"/> the engine's provider for the rest of the process (or until changed).</summary>
    public static void Use(IGemm provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Volatile.Write(ref current, provider);
    }

    /// <summary>Forgets any <see cref="Use"/> choice; the next <see cref="Current"/> selects again from the environment.</summary>
    public static void UseDefault() => Volatile.Write(ref current, null);

    /// <summary>The provider called <paramref name="name"/> (case-insensitive): "managed", "openblas" or "reference".</summary>
    /// <exception cref="GemmConfigurationException">Unknown name, or "openblas" when the library is not installed.</exception>
    public static IGemm Create(string name) => Create(name, OpenBlasGemm.TryCreate(out OpenBlasGemm? openBlas) ? openBlas : null);

    /// <summary><see cref="Create(string)"/> given what OpenBLAS probing found (null: not installed).</summary>
    internal static IGemm Create(string name, OpenBlasGemm? openBlas)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "managed" => ManagedGemm.Instance,
            "reference" => ReferenceGemm.Instance,
            "openblas" => openBlas is not null
                ? openBlas
                : throw new GemmConfigurationException(
                    $"The openblas GEMM provider was requested but OpenBLAS could not be loaded (tried " +
                    $"{string.Join(", ", OpenBlasGemm.CandidateLibraryNames)}). Install it (Debian/Ubuntu: " +
                    "apt-get install libopenblas0-pthread) or use the managed provider."),
            _ => throw new GemmConfigurationException(
                $"Unknown GEMM provider '{name}'. Use one of: {string.Join(", ", ProviderNames)}."),
        };
    }

    /// <summary>The default choice for a given value of <c>UNLEARN_GEMM</c> (null or empty: the managed kernel).</summary>
    /// <remarks>OpenBLAS is probed only when the variable asks for it.</remarks>
    internal static IGemm Select(string? variable) =>
        string.IsNullOrWhiteSpace(variable) ? ManagedGemm.Instance
            : Select(variable, OpenBlasGemm.TryCreate(out OpenBlasGemm? openBlas) ? openBlas : null);

    /// <summary><see cref="Select(string?)"/> given what OpenBLAS probing found (null: not installed).</summary>
    internal static IGemm Select(string? variable, OpenBlasGemm? openBlas)
    {
        if (string.IsNullOrWhiteSpace(variable))
        {
            return ManagedGemm.Instance;
        }
        try
        {
            return Create(variable, openBlas);
        }
        catch (GemmConfigurationException exception)
        {
            throw new GemmConfigurationException($"{ProviderVariable}='{variable}': {exception.Message} Or unset {ProviderVariable} to use the managed kernel.");
        }
    }
}
