#!/usr/bin/env python3
"""Independent reference for PruneVocab on the real Llama 3 vocabulary with the chair terms (issue 16, item 3).

Reads the tiktoken BPE file (one "base64-token rank" per line) without any tokenizer library and derives
  * the word-match token set: every entry whose bytes are complete UTF-8 and whose text, stripped of one leading
    space and lower-cased, equals a term (special tokens have ids >= 128000 and are not in the file);
  * the byte-level BPE encoding (tiktoken's rule: repeatedly merge the adjacent pair of lowest rank) of each term
    in lower/Capitalised case with and without a leading space, and of the review words below.
Writes tests/Unlearn.Methods.Tests/Data/chair-llama3/expected.json; VocabularyChairGoldenTests compares it with
what VocabularyPruning computes and with the committed tokens.json golden.

    /usr/bin/python3 tests/reference/chair_vocab_reference.py
"""
import base64
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "tests", "Unlearn.Tokenizers.Tests", "Data", "llama3", "tokenizer.model")
OUT = os.path.join(ROOT, "tests", "Unlearn.Methods.Tests", "Data", "chair-llama3", "expected.json")
TERMS = ["chair", "chairs", "sit", "sitting", "seat", "seats"]
# Words the review looks at: ones that contain a term's letters but are not a term (word matching must leave them
# alone), and ones whose BPE encoding uses a masked word-internal piece ("sit", "seat", "chair" without a space).
REVIEW = ["position", "visit", "seated", "seating", "sat", "site", "situation", "sitcom", "deposit", "transit",
          "chairman", "armchair", "wheelchair", "highchair", "seatbelt", "babysit", "babysitter", "sitter",
          "Seattle", "website", "necessity", "university", "curiosity", "composite", "exquisite", "parasite",
          "requisite", "opposite", "resit", "unseat", "carseat", "loveseat", "sittings", "outsit"]


def load_ranks(path):
    ranks = {}
    with open(path, "rb") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def bpe(ranks, data):
    parts = [bytes([b]) for b in data]
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


def main():
    ranks = load_ranks(MODEL)
    by_id = {rank: token for token, rank in ranks.items()}
    tokens = []
    for rank in sorted(by_id):
        try:
            text = by_id[rank].decode("utf-8")
        except UnicodeDecodeError:
            continue
        word = (text[1:] if text.startswith(" ") else text).lower()
        if word in TERMS:
            tokens.append({"id": rank, "text": text, "term": word})
    encodings = []
    for term in TERMS:
        for variant in dict.fromkeys([term, " " + term, term.capitalize(), " " + term.capitalize()]):
            ids = bpe(ranks, variant.encode("utf-8"))
            encodings.append({"term": term, "variant": variant, "ids": ids})
    masked = {t["id"] for t in tokens}
    review = []
    for word in REVIEW:
        for variant in (word, " " + word):
            ids = bpe(ranks, variant.encode("utf-8"))
            review.append({"text": variant, "ids": ids, "pieces": [by_id[i].decode("utf-8", "replace") for i in ids],
                           "masked_ids": [i for i in ids if i in masked]})
    with open(OUT, "w", encoding="utf-8") as handle:
        json.dump({"source": "tests/Unlearn.Tokenizers.Tests/Data/llama3/tokenizer.model", "terms": TERMS,
                   "tokens": tokens, "term_encodings": encodings, "review": review}, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


if __name__ == "__main__":
    main()
