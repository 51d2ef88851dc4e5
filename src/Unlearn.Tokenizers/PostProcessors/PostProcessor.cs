// Post-processors run after the model (Hugging Face `post_processor`): TemplateProcessing adds special tokens
// around a single sequence, ByteLevel trims token offsets, Sequence chains them. Pair templates are read but only
// single sequences are encoded by this library.
namespace Unlearn.Tokenizers.PostProcessors;

internal abstract class PostProcessor
{
    /// <summary>Rewrites the encoding in place. <paramref name="addSpecialTokens"/> is the caller's choice.</summary>
    public abstract void Process(EncodingBuilder encoding, bool addSpecialTokens);
}

/// <summary>One element of a template: a special token (by its name in <c>special_tokens</c>) or the sequence.</summary>
internal sealed record TemplateItem(string? SpecialTokenName, IReadOnlyList<int> SpecialIds);

internal sealed class TemplateProcessor(IReadOnlyList<TemplateItem> single) : PostProcessor
{
    public IReadOnlyList<TemplateItem> Single { get; } = single;

    /// <summary>Ids the template puts before the sequence.</summary>
    public IEnumerable<int> Prefix => Single.TakeWhile(i => i.SpecialTokenName is not null).SelectMany(i => i.SpecialIds);

    /// <summary>Ids the template puts after the sequence.</summary>
    public IEnumerable<int> Suffix =>
        Single.SkipWhile(i => i.SpecialTokenName is not null).Skip(1).SelectMany(i => i.SpecialIds);

    public override void Process(EncodingBuilder encoding, bool addSpecialTokens)
    {
        if (!addSpecialTokens)
        {
            return;
        }
        // In place: specials before the sequence are inserted at the front, the ones after it appended.
        var insertAt = 0;
        var afterSequence = false;
        foreach (var item in Single)
        {
            if (item.SpecialTokenName is null)
            {
                afterSequence = true;
                continue;
            }
            foreach (var id in item.SpecialIds)
            {
                if (afterSequence)
                {
                    encoding.Add(id, 0, 0);
                }
                else
                {
                    encoding.Insert(insertAt++, id);
                }
            }
        }
    }
}

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

internal sealed class SequenceProcessor(IReadOnlyList<PostProcessor> steps) : PostProcessor
{
    public IReadOnlyList<PostProcessor> Steps { get; } = steps;

    public override void Process(EncodingBuilder encoding, bool addSpecialTokens)
    {
        foreach (var step in Steps)
        {
            step.Process(encoding, addSpecialTokens);
        }
    }
}
