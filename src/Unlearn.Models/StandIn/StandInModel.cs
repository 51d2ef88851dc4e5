// Materialises a stand-in model folder from its stand-in.json: seeded random weights of the spec's shape
// (model.safetensors, F32), config.json with the token ids, generation_config.json and the copied tokenizer files.
// The result is a function of the spec and the copied files only: same spec, same bytes on every machine and thread
// count (RandomModel fills fixed-size chunks from per-chunk seeded streams). A marker (.stand-in-made.json) records
// the fingerprint of what was made, so an unchanged folder is left alone and a changed spec or source file remakes
// it. Every file is written through a temporary name and renamed, the marker last, so an interrupted run leaves a
// folder that the next call remakes, never one that looks complete.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Config;
using Unlearn.Models.Formats;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.StandIn;

/// <param name="Made">True when the files were (re)written, false when the folder was already up to date.</param>
/// <param name="Fingerprint">SHA-256 over the spec, the generator version and the copied files.</param>
public sealed record StandInOutcome(bool Made, string Fingerprint, IReadOnlyList<string> Files);

public static class StandInModel
{
    public const string MarkerFile = ".stand-in-made.json";

    /// <summary>Bump when the bytes made for the same spec would change.</summary>
    public const string GeneratorVersion = "1";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Whether <paramref name="folder"/> holds a stand-in.json (and so is made, not downloaded).</summary>
    public static bool IsStandIn(string folder) => File.Exists(Path.Combine(folder, StandInSpec.FileName));

    /// <summary>Makes the folder's files unless the marker says they are those of the current spec.</summary>
    /// <exception cref="ModelConfigException">stand-in.json is invalid.</exception>
    /// <exception cref="FileNotFoundException">A file to copy does not exist.</exception>
    public static StandInOutcome Materialise(string folder) => Materialise(StandInSpec.Load(Path.Combine(folder, StandInSpec.FileName)));

    /// <summary>Makes the files of the folder <paramref name="spec"/> was read from (see <see cref="Materialise(string)"/>).</summary>
    public static StandInOutcome Materialise(StandInSpec spec)
    {
        string folder = Path.GetDirectoryName(spec.Path)!;
        foreach (var (name, source) in spec.Copies)
        {
            if (!File.Exists(source))
            {
                throw new FileNotFoundException($"{spec.Path}: copy.{name}: '{source}' does not exist.", source);
            }
        }
        string fingerprint = Fingerprint(spec);
        var files = new List<string> { "config.json", "model.safetensors" };
        if (spec.GenerationConfig is not null)
        {
            files.Add(GenerationDefaults.FileName);
        }
        files.AddRange(spec.Copies.Keys);
        if (IsUpToDate(folder, fingerprint, files))
        {
            return new StandInOutcome(false, fingerprint, files);
        }
        File.Delete(Path.Combine(folder, MarkerFile));
        using (var model = RandomModel.Create(spec.Shape, ManagedGemm.Instance, spec.Seed))
        {
            ModelFolderWriter.Write(model, folder);
        }
        WriteJson(Path.Combine(folder, "config.json"), spec.ConfigJson());
        if (spec.GenerationConfig is { } generation)
        {
            WriteJson(Path.Combine(folder, GenerationDefaults.FileName), generation);
        }
        foreach (var (name, source) in spec.Copies)
        {
            AtomicFile.Write(Path.Combine(folder, name), stream =>
            {
                using var input = File.OpenRead(source);
                input.CopyTo(stream);
            });
        }
        var marker = new JsonObject
        {
            ["fingerprint"] = fingerprint,
            ["generator_version"] = GeneratorVersion,
            ["files"] = new JsonArray(files.Select(f => (JsonNode)f).ToArray()),
        };
        WriteJson(Path.Combine(folder, MarkerFile), marker);
        return new StandInOutcome(true, fingerprint, files);
    }

    private static bool IsUpToDate(string folder, string fingerprint, IReadOnlyList<string> files)
    {
        string markerPath = Path.Combine(folder, MarkerFile);
        if (!File.Exists(markerPath) || files.Any(f => !File.Exists(Path.Combine(folder, f))))
        {
            return false;
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(markerPath))?["fingerprint"]?.GetValue<string>() == fingerprint;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    // The spec's bytes (minus nothing: editing "about" remakes the folder, which costs a second), the generator
    // version, and each copied file's name and content hash.
    private static string Fingerprint(StandInSpec spec)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"generator {GeneratorVersion}\n"));
        hash.AppendData(File.ReadAllBytes(spec.Path));
        foreach (var (name, source) in spec.Copies)
        {
            using var stream = File.OpenRead(source);
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{name} {Convert.ToHexStringLower(SHA256.HashData(stream))}"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void WriteJson(string path, JsonNode node) =>
        AtomicFile.Write(path, stream =>
        {
            var bytes = Encoding.UTF8.GetBytes(node.ToJsonString(Indented) + "\n");
            stream.Write(bytes);
        });
}
