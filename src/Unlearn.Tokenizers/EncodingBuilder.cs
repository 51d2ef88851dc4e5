// The mutable encoding while one text is being tokenized: ids and, when asked for, character offsets.
// Internal; callers get IReadOnlyList<int> or TokenizedText.
namespace Unlearn.Tokenizers;

internal sealed class EncodingBuilder(bool withOffsets)
{
    public List<int> Ids { get; } = [];

    public List<TokenOffset>? Offsets { get; } = withOffsets ? [] : null;

    public void Add(int id, int start, int end)
    {
        Ids.Add(id);
        Offsets?.Add(new TokenOffset(start, end));
    }

    /// <summary>Inserts a token the post-processor adds (offsets (0, 0)).</summary>
    public void Insert(int index, int id)
    {
        Ids.Insert(index, id);
        Offsets?.Insert(index, new TokenOffset(0, 0));
    }

    public void Clear()
    {
        Ids.Clear();
        Offsets?.Clear();
    }
}
