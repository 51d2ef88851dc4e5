#!/usr/bin/python3
"""Reference ids for text where .NET-regex pre-tokenizers and Hugging Face disagree: letters and digits outside the
Basic Multilingual Plane (CJK Extension B, mathematical alphanumerics, Gothic, ...). Hugging Face tokenizers (Oniguruma)
and tiktoken (fancy-regex) match the split regex on code points, so \\p{L} matches U+2A6A5; .NET's Regex matches UTF-16
code units, where the two surrogate halves are category Cs. This script is a small code-point reference:

  Llama 3: the pre-tokenizer regex with python3-regex, then tiktoken's encode: a piece that is a token is that token,
           else the byte-pair merge over the ranks file (lowest-rank adjacent pair first, tiktoken/_educational.py);
  Qwen2:   NFC (unicodedata), the same regex with single digits, GPT-2 byte-to-unicode mapping, then BPE merges in
           merges.txt priority order.

Both are first checked against llama.cpp's 46 Hugging Face vectors (Data/llamacpp-vocab-tests); the script stops if
either misses one. Output: tests/Unlearn.Tokenizers.Tests/Data/astral/goldens.json.

Run from the repository root:  apt-get install python3-regex;  /usr/bin/python3 tests/reference/bpe_reference.py
"""
import base64
import json
import os
import sys
import unicodedata

import regex

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "Unlearn.Tokenizers.Tests", "Data")

LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = LLAMA3.replace(r"\p{N}{1,3}", r"\p{N}")


def tiktoken_encoder():
    ranks = {}
    with open(os.path.join(DATA, "llama3", "tokenizer.model"), encoding="ascii") as f:
        for line in f:
            if line.strip():
                token, rank = line.split()
                ranks[base64.b64decode(token)] = int(rank)
    pattern = regex.compile(LLAMA3)

    def merge(piece):
        if piece in ranks:  # tiktoken (and HF's ignore_merges) emit a piece that is a token as it is
            return [ranks[piece]]
        parts = [bytes([b]) for b in piece]
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                rank = ranks.get(parts[i] + parts[i + 1])
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, i)
            if best is None:
                break
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        return [ranks[p] for p in parts]

    return lambda text: [i for piece in pattern.findall(text) for i in merge(piece.encode("utf-8"))]


def bytes_to_unicode():
    visible = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = visible[:]
    extra = 0
    for b in range(256):
        if b not in visible:
            visible.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(visible, chars)}


def qwen_encoder():
    folder = os.path.join(DATA, "qwen2.5-0.5b-instruct")
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    merges = {}
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#version"):
                left, right = line.split(" ")
                merges[(left, right)] = len(merges)
    byte_chars = bytes_to_unicode()
    pattern = regex.compile(QWEN2)

    def merge(piece):
        word = [byte_chars[b] for b in piece.encode("utf-8")]
        while len(word) > 1:
            ranked = [(merges[pair], i) for i, pair in enumerate(zip(word, word[1:])) if pair in merges]
            if not ranked:
                break
            rank = min(ranked)[0]
            first, second = next(pair for pair in zip(word, word[1:]) if merges.get(pair) == rank)
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == first and word[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return [vocab[token] for token in word]

    return lambda text: [i for piece in pattern.findall(unicodedata.normalize("NFC", text)) for i in merge(piece)]


def llamacpp_vectors(name):
    folder = os.path.join(DATA, "llamacpp-vocab-tests")
    with open(os.path.join(folder, f"ggml-vocab-{name}.gguf.inp"), encoding="utf-8", newline="") as f:
        texts = f.read().split("\n__ggml_vocab_test__\n")[:-1]
    with open(os.path.join(folder, f"ggml-vocab-{name}.gguf.out"), encoding="utf-8") as f:
        ids = [[int(x) for x in line.split()] for line in f.read().split("\n")]
    return list(zip(texts, ids))


# Astral letters (Lo/Lu/Ll), astral digits (Nd) and astral symbols next to contractions, spaces, digits and BMP letters.
TEXTS = [
    "𪚥's", "字𪚥’s end", "𠀀abc", "中𠀀文字", "'s𠀀", "a 𠀀 b",
    "𝐀𝐁𝐂 bold", "x𝑥y", "The 𝒽𝑒𝓁𝓁𝑜 world", "𝓗𝓮𝓵𝓵𝓸'LL",
    "𐌰𐌱𐌲 Gothic", "𓀀𓀁 hieroglyphs", "𞤀𞤁 Adlam",
    "𝟏𝟐𝟑𝟒 digits", "12𝟑45", "𝟘𝟙𝟚𝟛𝟜𝟝𝟞", "x𝟗",
    "emoji 😀😃 between 𠀀 letters", "🙂's", "👩‍💻𝐀",
    "  𠀀\n\n𝐀 \t𓀀", "😀\r\n𠀀",
]


def main():
    encoders = {"llama3": tiktoken_encoder(), "qwen2": qwen_encoder()}
    for family, vectors in (("llama3", "llama-bpe"), ("qwen2", "qwen2")):
        cases = llamacpp_vectors(vectors)
        misses = [text for text, ids in cases if encoders[family](text) != ids]
        if misses:
            sys.exit(f"{family}: the reference misses {len(misses)} of llama.cpp's {len(cases)} Hugging Face vectors: {misses[:3]!r}")
        print(f"{family}: reference matches llama.cpp's {len(cases)} Hugging Face vectors")
    goldens = [{"text": text, "llama3": encoders["llama3"](text), "qwen2": encoders["qwen2"](text)} for text in TEXTS]
    output = os.path.join(DATA, "astral", "goldens.json")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"generator": "tests/reference/bpe_reference.py", "regex": "%s", "cases": [\n' % regex.__version__)
        f.write(",\n".join(json.dumps(case, ensure_ascii=False) for case in goldens))
        f.write("\n]}\n")
    print(f"wrote {len(goldens)} cases to {os.path.relpath(output, ROOT)}")


if __name__ == "__main__":
    main()
