// The mutable encoding while one text is being tokenized: ids and, when asked for, character offsets.
// Internal; callers get IReadOnlyList<int> or TokenizedText.
namespace Unlearn.Tokenizers;

internal sealed class EncodingBuilder(bool withOffsets)
{
    public List<int> Ids { get; private set; } = [];

    public List<TokenOffset>? Offsets { get; private set; } = withOffsets ? [] : null;

    public void Add(int id, int start, int end)
    {
        Ids.Add(id);
        Offsets?.Add(new TokenOffset(start, end));
    }

    public void Replace(List<int> ids, List<TokenOffset>? offsets)
    {
        Ids = ids;
        Offsets = offsets;
    }
}
