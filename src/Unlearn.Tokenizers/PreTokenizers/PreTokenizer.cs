// Pre-tokenizers cut normalized text into pieces that the model tokenizes independently (Hugging Face
// `pre_tokenizer`): Split, ByteLevel, Metaspace and Sequence, each in its own file. Others are refused when the
// file is read. This file holds the base class and the option enums.
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.PreTokenizers;

internal abstract class PreTokenizer
{
    /// <summary>Appends the pieces of <paramref name="piece"/> (non-empty ones only) to <paramref name="output"/>.</summary>
    public abstract void Split(Piece piece, List<Piece> output);
}

internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

internal enum PrependScheme
{
    Always,
    First,
    Never,
}
