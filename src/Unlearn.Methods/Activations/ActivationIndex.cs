// index.json of an activation cache: what was captured (model, site kinds, layers, pooling, whether special
// tokens were pooled, batch size, token limit), per class how many examples, tokens, pooled tokens, truncated
// examples and rows, and per output file which examples it holds. Layout of the files it lists:
//   mean/last pooling (version 1): activations.npz with arrays "concept/layers.{i}.{site}" and
//     "background/layers.{i}.{site}": float32 [rows, width], one row per example.
//   token pooling (version 2): shards tokens-00000.npy, … float32 [rows, Σ widths], the sites side by side at the
//     offsets "columns" lists, and beside each its "rows_file" tokens-00000.rows.npy int32 [rows, 4] with the fields
//     "row_fields" names: class (0 concept, 1 background), example index, position in the example (BOS = 0), token id.
//     A shard's rows are its concept examples' positions, then its background examples', in order.
// Each file holds a contiguous range of examples of each class ("first_example", "examples"), rows in order.
using System.Text.Json;
using Unlearn.Methods.Examples;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Activations;

/// <summary>Per class: examples, tokens run (BOS included), positions pooled, examples cut to the token limit, rows stored.</summary>
public sealed record GroupSummary(int Examples, long Tokens, long PooledTokens, int Truncated, long Rows);

/// <summary>One cache file: per class (indexed by <see cref="ExampleLabel"/>) the first example, example count and row count it holds.</summary>
public sealed record CacheFileEntry(string File, IReadOnlyList<int> FirstExample, IReadOnlyList<int> Examples, IReadOnlyList<int> Rows);

public sealed class ActivationIndex
{
    public const string FileName = "index.json";
    public const string Format = "unlearn-activations";
    public const int Version = 1;

    /// <summary>The version of token-pooled caches (sharded .npy files).</summary>
    public const int TokenVersion = 2;

    /// <summary>The fields of a token shard's rows file, in column order.</summary>
    public static IReadOnlyList<string> RowFields { get; } = ["class", "example", "position", "token_id"];

    public required ModelIdentity Model { get; init; }

    public required Pooling Pooling { get; init; }

    public required bool IncludeSpecialTokens { get; init; }

    /// <summary>Site kinds in block order.</summary>
    public required IReadOnlyList<SiteKind> SiteKinds { get; init; }

    /// <summary>Layers, ascending.</summary>
    public required IReadOnlyList<int> Layers { get; init; }

    public required int BatchSize { get; init; }

    public required int MaxTokens { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    /// <summary>Indexed by <see cref="ExampleLabel"/>.</summary>
    public required IReadOnlyList<GroupSummary> Groups { get; init; }

    public required IReadOnlyList<CacheFileEntry> Files { get; init; }

    /// <summary>Every captured site, by layer then kind.</summary>
    public IReadOnlyList<HookSite> Sites => Layers.SelectMany(layer => SiteKinds.Select(kind => new HookSite(layer, kind))).ToArray();

    public int Width(SiteKind kind) => HookSite.Width(kind, HiddenSize, IntermediateSize);

    /// <summary>Token pooling: floats per row of a shard (every site's width).</summary>
    public int RowWidth => Sites.Sum(site => Width(site.Kind));

    /// <summary>Token pooling: where a site's columns start in a shard row.</summary>
    public int ColumnOffset(HookSite site)
    {
        int offset = 0;
        foreach (var candidate in Sites)
        {
            if (candidate == site)
            {
                return offset;
            }
            offset += Width(candidate.Kind);
        }
        throw new ActivationCacheException($"The activation cache has no site '{site.Name}'; it holds {string.Join(", ", Sites.Select(s => s.Name))}.");
    }

    /// <summary>The npz array name of a class's activations at a site, e.g. "concept/layers.3.attn.out".</summary>
    public static string ArrayName(ExampleLabel group, HookSite site) => $"{ExampleLists.GroupName(group)}/{site.Name}";


    public void Write(string path)
    {
        ArtefactJson.Write(path, writer =>
        {
            writer.WriteStartObject();
            bool tokens = Pooling == Pooling.Tokens;
            writer.WriteString("format", Format);
            writer.WriteNumber("version", tokens ? TokenVersion : Version);
            writer.WriteStartObject("model");
            writer.WriteString("folder", Model.Folder);
            writer.WriteString("digest", Model.Digest);
            writer.WriteEndObject();
            writer.WriteStringArray("sites", SiteKinds.Select(HookSite.KindName));
            writer.WriteIntArray("layers", Layers);
            writer.WriteString("pooling", PoolingNames.Name(Pooling));
            writer.WriteBoolean("include_special_tokens", IncludeSpecialTokens);
            writer.WriteNumber("batch_size", BatchSize);
            writer.WriteNumber("max_tokens", MaxTokens);
            writer.WriteNumber("hidden_size", HiddenSize);
            writer.WriteNumber("intermediate_size", IntermediateSize);
            writer.WriteStartObject("groups");
            foreach (var group in Enum.GetValues<ExampleLabel>())
            {
                var summary = Groups[(int)group];
                writer.WriteStartObject(ExampleLists.GroupName(group));
                writer.WriteNumber("examples", summary.Examples);
                writer.WriteNumber("tokens", summary.Tokens);
                writer.WriteNumber("pooled_tokens", summary.PooledTokens);
                writer.WriteNumber("truncated", summary.Truncated);
                writer.WriteNumber("rows", summary.Rows);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            if (tokens)
            {
                writer.WriteStartArray("columns");
                foreach (var site in Sites)
                {
                    writer.WriteStartObject();
                    writer.WriteString("site", site.Name);
                    writer.WriteNumber("offset", ColumnOffset(site));
                    writer.WriteNumber("width", Width(site.Kind));
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteStringArray("row_fields", RowFields);
            }
            writer.WriteStartArray("files");
            foreach (var file in Files)
            {
                writer.WriteStartObject();
                writer.WriteString("file", file.File);
                if (tokens)
                {
                    writer.WriteString("rows_file", CapturePlan.RowsFileOf(file.File));
                }
                foreach (var group in Enum.GetValues<ExampleLabel>())
                {
                    writer.WriteStartObject(ExampleLists.GroupName(group));
                    writer.WriteNumber("first_example", file.FirstExample[(int)group]);
                    writer.WriteNumber("examples", file.Examples[(int)group]);
                    writer.WriteNumber("rows", file.Rows[(int)group]);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <exception cref="ActivationCacheException">The file is missing, not JSON, of another format or version, or lacks a field.</exception>
    public static ActivationIndex Read(string path)
    {
        using var document = ArtefactJson.Parse(path, message => new ActivationCacheException($"Activation index '{path}': {message}"));
        var reader = new FieldReader(path, document.RootElement);
        string format = reader.String("format");
        int version = reader.Int("version");
        if (format != Format || (version != Version && version != TokenVersion))
        {
            throw new ActivationCacheException($"Activation index '{path}': format '{format}' version {version}; this build reads '{Format}' versions {Version} and {TokenVersion}. Rebuild the cache (CacheActivations).");
        }
        var kinds = reader.Array("sites").Select((e, i) => HookSite.TryParseKind(e.GetString() ?? "", out var kind)
            ? kind
            : throw reader.Fail($"sites[{i}]", $"'{e}' is not a site kind ({string.Join(", ", HookSite.KindNames)})")).ToArray();
        string poolingName = reader.String("pooling");
        if (!PoolingNames.TryParse(poolingName, out var pooling))
        {
            throw reader.Fail("pooling", $"'{poolingName}' is not mean, last or tokens");
        }
        if ((pooling == Pooling.Tokens) != (version == TokenVersion))
        {
            throw new ActivationCacheException(pooling == Pooling.Tokens
                ? $"Activation index '{path}': a token cache of version {version} (the old .npz layout); this build reads token caches of version {TokenVersion} (sharded .npy). Rebuild the cache (--force CacheActivations)."
                : $"Activation index '{path}': {poolingName} pooling must be version {Version}, not {version}; the cache is damaged. Rebuild it (CacheActivations).");
        }
        var model = reader.Object("model");
        var groups = reader.Object("groups");
        return new ActivationIndex
        {
            Model = new ModelIdentity(model.String("folder"), model.String("digest")),
            Pooling = pooling,
            IncludeSpecialTokens = reader.Bool("include_special_tokens"),
            SiteKinds = kinds,
            Layers = reader.Array("layers").Select(e => e.GetInt32()).ToArray(),
            BatchSize = reader.Int("batch_size"),
            MaxTokens = reader.Int("max_tokens"),
            HiddenSize = reader.Int("hidden_size"),
            IntermediateSize = reader.Int("intermediate_size"),
            Groups = Enum.GetValues<ExampleLabel>().Select(g =>
            {
                var group = groups.Object(ExampleLists.GroupName(g));
                return new GroupSummary(group.Int("examples"), group.Long("tokens"), group.Long("pooled_tokens"), group.Int("truncated"), group.Long("rows"));
            }).ToArray(),
            Files = reader.Array("files").Select((e, i) =>
            {
                var file = new FieldReader(path, e, $"files[{i}].");
                var parts = Enum.GetValues<ExampleLabel>().Select(g => file.Object(ExampleLists.GroupName(g))).ToArray();
                return new CacheFileEntry(
                    file.String("file"), parts.Select(p => p.Int("first_example")).ToArray(), parts.Select(p => p.Int("examples")).ToArray(), parts.Select(p => p.Int("rows")).ToArray());
            }).ToArray(),
        };
    }

    /// <summary>Typed access to the fields of one JSON object, failing with the file and the JSON path.</summary>
    private readonly struct FieldReader(string path, JsonElement element, string prefix = "")
    {
        public string String(string name) => Get(name, JsonValueKind.String).GetString()!;

        public int Int(string name) => Get(name, JsonValueKind.Number).TryGetInt32(out int value) ? value : throw Fail(name, "is not a 32-bit integer");

        public long Long(string name) => Get(name, JsonValueKind.Number).TryGetInt64(out long value) ? value : throw Fail(name, "is not an integer");

        public bool Bool(string name)
        {
            var value = Get(name, JsonValueKind.Undefined);
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail(name, "is not true or false"),
            };
        }

        public FieldReader Object(string name) => new(path, Get(name, JsonValueKind.Object), prefix + name + ".");

        public IEnumerable<JsonElement> Array(string name) => Get(name, JsonValueKind.Array).EnumerateArray().ToArray();

        public ActivationCacheException Fail(string name, string problem) =>
            new($"Activation index '{path}': {prefix}{name} {problem}. The cache is damaged or from another tool; rebuild it (CacheActivations).");

        private JsonElement Get(string name, JsonValueKind kind)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            {
                throw Fail(name, "is missing");
            }
            if (kind != JsonValueKind.Undefined && value.ValueKind != kind)
            {
                throw Fail(name, $"is a {value.ValueKind}, expected {kind}");
            }
            return value;
        }
    }
}
