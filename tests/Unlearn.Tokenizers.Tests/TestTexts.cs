// Texts the cross-format and round-trip tests run on: llama.cpp's 46 strings plus cases that stress specific
// paths (special-token markup, contractions with odd case, digits in other scripts, combining marks, long
// whitespace runs, characters outside the BMP, long words that need the heap merge).
namespace Unlearn.Tokenizers.Tests;

internal static class TestTexts
{
    public static IReadOnlyList<string> All { get; } = TestData.LlamaCppVectors("llama-bpe").Select(c => c.Text).Concat(
    [
        "Hello <s> world </s> and <|begin_of_text|> or <|eot_id|><|im_start|>user\n",
        "I'M sure THEY'RE here, we'Ll see; it'S fine. 'ſ and 'Ŀ",
        "٣٤٥ and ௧௨௩ and ² and Ⅻ numbers",
        "e\u0301 cafe\u0301 Å Å \u1100\u1161\u11A8 a\u0323\u0302",
        "tabs\t\t\tand\u00A0non-breaking\u2003spaces\u3000here   \r\n\r\n  end",
        "𝐀𝐁𝐂 letters outside the BMP and 🧑‍🤝‍🧑 joined emoji 𠀀𠀁",
        "pneumonoultramicroscopicsilicovolcanoconiosis" + string.Concat(Enumerable.Repeat("abcdefghij", 12)),
        string.Concat(Enumerable.Repeat("Ünïcödé ", 40)),
        "  leading and trailing  ",
        "\n",
        "<0x0A> <unk> literal markup",
    ]).ToArray();
}
