// Small UTF-16 helpers: code points at an index, and the lossy repair of lone surrogates.
// Hugging Face tokenizers hold text as Rust strings, which cannot contain lone surrogates; the lossy
// conversion (String::from_utf16_lossy, and .NET's UTF-8 encoder) replaces each one with U+FFFD, one char
// for one char, so character offsets into the caller's string stay valid.
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Unicode;

internal static class Utf16
{
    public const char ReplacementChar = '\uFFFD';

    /// <summary>The code point starting at <paramref name="index"/> and its length in chars (1 or 2).
    /// The text must be free of lone surrogates (see <see cref="ReplaceLoneSurrogates"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CodePointAt(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length)
        {
            width = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }
        width = 1;
        return c;
    }

    /// <summary>Returns <paramref name="text"/> itself when it is valid UTF-16, else a copy with every lone surrogate
    /// replaced by U+FFFD.</summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        var first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return text;
        }
        char[]? copy = null;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            copy ??= text.ToCharArray();
            copy[i] = ReplacementChar;
        }
        return copy is null ? text : new string(copy);
    }
}
