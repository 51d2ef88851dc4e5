// The hand-written pre-tokenizer matchers (Llama 3, Qwen2, GPT-2 regexes) against System.Text.RegularExpressions
// running the same regex, on seeded random BMP text. .NET's regex is a faithful reference there, except for case
// folding of 'ſ' (U+017F), which Oniguruma folds to 's' and .NET does not. Outside the BMP .NET sees two UTF-16
// units where Oniguruma (and the hand matchers) see one code point; those cases are tested separately.
using System.Text;
using System.Text.RegularExpressions;
using Unlearn.Tokenizers.PreTokenizers;
using Unlearn.Tokenizers.PreTokenizers.Patterns;
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.Tests;

public sealed class PatternTests
{
    private const string Alphabet =
        "aAbcdeEfgilLmMnorRsStTvVxyz  \t\n\r\u000B\u00A0\u2003\u3000'\"'.,!?-()[]_#中文ж ы٣4²Ⅻ0\u0301é€©";

    public static TheoryData<string> Patterns => ["llama3", "qwen2", "gpt2"];

    private static (ISplitPattern Hand, string Regex) Get(string name) => name switch
    {
        "llama3" => (new Llama3Pattern(3), Llama3Pattern.Llama3Regex),
        "qwen2" => (new Llama3Pattern(1), Llama3Pattern.Qwen2Regex),
        _ => (Gpt2Pattern.Instance, Gpt2Pattern.Regex),
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Split_RandomText_MatchesDotNetRegex(string name)
    {
        var (hand, regexText) = Get(name);
        var handSplit = new SplitPreTokenizer(hand, SplitBehavior.Isolated, invert: false);
        var regexSplit = new SplitPreTokenizer(new RegexPattern(RegexPattern.Compile(regexText)), SplitBehavior.Isolated, invert: false);
        var random = new Random(1234);
        var runes = Alphabet.EnumerateRunes().ToArray();
        for (var trial = 0; trial < 3000; trial++)
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 30);
            for (var i = 0; i < length; i++)
            {
                builder.Append(runes[random.Next(runes.Length)].ToString());
            }
            var text = builder.ToString();
            var expected = Pieces(regexSplit, text);
            var actual = Pieces(handSplit, text);
            Assert.True(expected.SequenceEqual(actual),
                $"{System.Text.Json.JsonSerializer.Serialize(text)}: regex [{string.Join("|", expected)}] vs hand [{string.Join("|", actual)}]");
        }
    }

    [Fact]
    public void Llama3Pattern_LongSAfterApostrophe_FoldsLikeOniguruma()
    {
        var split = new SplitPreTokenizer(new Llama3Pattern(3), SplitBehavior.Isolated, invert: false);
        Assert.Equal(["'ſ", "x"], Pieces(split, "'ſx"));
        Assert.Equal(["'S", "'RE", "'lL"], Pieces(split, "'S'RE'lL"));
    }

    [Fact]
    public void Llama3Pattern_LettersOutsideTheBmp_StayInOneWord()
    {
        var split = new SplitPreTokenizer(new Llama3Pattern(3), SplitBehavior.Isolated, invert: false);
        Assert.Equal(["𝐀𝐁𝐂", " ab𝐃"], Pieces(split, "𝐀𝐁𝐂 ab𝐃"));
    }

    [Fact]
    public void Llama3Pattern_EmojiBeforeLetters_IsTheOptionalPrefixOfTheWord()
    {
        // [^\r\n\p{L}\p{N}]? takes one code point, so "🚀" prefixes the word as it does in Oniguruma.
        var split = new SplitPreTokenizer(new Llama3Pattern(3), SplitBehavior.Isolated, invert: false);
        Assert.Equal(["🚀oS", " 🦙.", "cpp"], Pieces(split, "🚀oS 🦙.cpp"));
    }

    [Fact]
    public void Translate_PossessiveQuantifiers_BecomeAtomicGroups()
    {
        Assert.Equal(@"(?>[^\s\p{L}]++)".Replace("++", "+", StringComparison.Ordinal), RegexPattern.Translate(@"[^\s\p{L}]++"));
        Assert.Equal(@"(?>\p{L}*)x", RegexPattern.Translate(@"\p{L}*+x"));
        Assert.Equal(@"(?>(ab)?)", RegexPattern.Translate(@"(ab)?+"));
    }

    public static TheoryData<string, bool, string> Behaviors => new()
    {
        { "Removed", false, "a|b|c" },
        { "Isolated", false, "a|-|b|-|-|c" },
        { "MergedWithPrevious", false, "a-|b-|-|c" },
        { "MergedWithNext", false, "a|-b|-|-c" },
        { "Contiguous", false, "a|-|b|--|c" },
        { "Removed", true, "-|-|-" },
    };

    [Theory]
    [MemberData(nameof(Behaviors))]
    public void Split_LiteralWithBehavior_CutsLikeHuggingFace(string behavior, bool invert, string expected)
    {
        // Hugging Face's split semantics for the pattern "-" on "a-b--c" (tokenizers/src/tokenizer/normalizer.rs).
        var split = new SplitPreTokenizer(new LiteralPattern("-"), Enum.Parse<SplitBehavior>(behavior), invert);
        Assert.Equal(expected, string.Join("|", Pieces(split, "a-b--c")));
    }

    private static List<string> Pieces(PreTokenizer preTokenizer, string text)
    {
        var pieces = new List<Piece>();
        preTokenizer.Split(new Piece(new AlignedText(text), 0, text.Length), pieces);
        return pieces.Select(p => p.Span.ToString()).ToList();
    }
}
