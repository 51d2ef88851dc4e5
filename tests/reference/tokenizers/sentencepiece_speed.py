#!/usr/bin/python3
"""Reference side of `unlearn-benchmarks compare tokenizer`: encodes the same documents with Google's
sentencepiece library (C++) using Llama 2's tokenizer.model, and prints one JSON line with the best time
and a SHA-256 of all ids (int32 little-endian, documents in order) so the C# side can check it got the same ids.

Usage: /usr/bin/python3 sentencepiece_speed.py MODEL DOCUMENTS_JSON RUNS
"""
import hashlib
import json
import struct
import sys
import time

import sentencepiece as spm


def main():
    model, documents_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(documents_path, encoding='utf-8') as f:
        documents = json.load(f)
    processor = spm.SentencePieceProcessor(model_file=model)
    processor.encode(documents[:20])
    best = float('inf')
    ids = None
    for _ in range(runs):
        start = time.perf_counter()
        ids = [processor.encode(d) for d in documents]
        best = min(best, time.perf_counter() - start)
    digest = hashlib.sha256()
    for doc in ids:
        digest.update(struct.pack('<%di' % len(doc), *doc))
    print(json.dumps({'seconds': best, 'ids_sha256': digest.hexdigest(), 'version': spm.__version__}))


if __name__ == '__main__':
    main()
