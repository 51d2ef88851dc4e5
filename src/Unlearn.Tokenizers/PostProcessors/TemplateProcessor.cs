// TemplateProcessing: adds the special tokens of the single-sequence template (BOS/EOS) around the encoding.

namespace Unlearn.Tokenizers.PostProcessors;

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
