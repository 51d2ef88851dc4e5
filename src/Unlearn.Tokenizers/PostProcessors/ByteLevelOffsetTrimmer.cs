// ByteLevel as a post-processor: with trim_offsets, token offsets exclude the leading/trailing spaces the token
// carries (Hugging Face's process_offsets). Ids are not changed.

namespace Unlearn.Tokenizers.PostProcessors;

/// <summary>ByteLevel as a post-processor: with trim_offsets, offsets exclude the leading/trailing spaces a token carries.</summary>
internal sealed class ByteLevelOffsetTrimmer(bool trimOffsets, bool addPrefixSpace, Func<int, ReadOnlySpan<byte>> tokenBytes)
    : PostProcessor
{
    public bool TrimOffsets { get; } = trimOffsets;

    public override void Process(EncodingBuilder encoding, bool addSpecialTokens)
    {
        if (!TrimOffsets || encoding.Offsets is null)
        {
            return;
        }
        for (var i = 0; i < encoding.Ids.Count; i++)
        {
            var bytes = tokenBytes(encoding.Ids[i]);
            var leading = 0;
            while (leading < bytes.Length && bytes[leading] == (byte)' ')
            {
                leading++;
            }
            var trailing = 0;
            while (trailing < bytes.Length - leading && bytes[bytes.Length - 1 - trailing] == (byte)' ')
            {
                trailing++;
            }
            var (start, end) = encoding.Offsets[i];
            if (leading > 0)
            {
                if ((i == 0 || start == 0) && addPrefixSpace && leading == 1)
                {
                    leading = 0;
                }
                start = Math.Min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing)
            {
                end = Math.Max(end - trailing, start);
            }
            encoding.Offsets[i] = new TokenOffset(start, end);
        }
    }
}
