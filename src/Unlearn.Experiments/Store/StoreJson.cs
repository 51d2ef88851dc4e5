// Source-generated JSON metadata for the store's files (manifests, views, the hash memo). Reflection
// -based serialization costs a few hundred milliseconds of JIT on first use, which every fresh
// MSBuild node would pay on a no-op build; generated metadata avoids most of it.
using System.Text.Json.Serialization;
using Unlearn.Experiments.Hashing;

namespace Unlearn.Experiments.Store;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(StageView))]
[JsonSerializable(typeof(HashMemo.MemoDocument))]
internal sealed partial class StoreJson : JsonSerializerContext;
