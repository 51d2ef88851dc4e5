"""numpy reference for SAE feature discovery (tests/Unlearn.Methods.Tests/Sae/FeatureDiscoveryTests.cs).

Builds a synthetic token-level activation cache in Unlearn's layout (index.json version 2, tokens-0000k.npy float32
[rows, d_in], tokens-0000k.rows.npy int32 [rows, 4] = class, example, position, token id; each shard holds its
concept rows, then its background rows) whose tokens are sparse sums of the directions of a TopK SAE saved in the
SAELens layout; concept tokens use four extra directions often. Then computes what METHODS.md "SAE" specifies, in
float64 from the float32 files: fire counts and mean activations on the first N concept and N neutral tokens,
ratio = (c_t + 16) / (c_n + 16), validity (f_t > 0.001, c_t >= 64, f_n < 0.005, f_t < 0.2, ratio > 2), score =
(f_t - f_n) ln(1 + ratio) ln(1 + mu_t / (mu_n + 1e-4)), the top N, and each selected feature's 5 strongest rows.

Writes tests/Unlearn.Methods.Tests/Data/sae/discovery/{cache/, sae/, expected.npz}.
Run: /usr/bin/python3 tests/reference/sae_discovery_reference.py
"""
import json
import os
import shutil
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Unlearn.Methods.Tests", "Data", "sae", "discovery")
D_IN, D_SAE, K = 32, 48, 2
LAYER, SITE = 2, "residual"
CONCEPT_BUDGET, NEUTRAL_BUDGET, TOP_N, CONTEXTS = 1500, 1600, 3, 5


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors:
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def encode(x, w_enc, b_enc, b_dec):
    pre = (x.astype(np.float64) - b_dec) @ w_enc.astype(np.float64) + b_enc
    order = np.argsort(-pre, axis=1, kind="stable")[:, :K]
    z = np.zeros_like(pre)
    np.put_along_axis(z, order, np.maximum(np.take_along_axis(pre, order, axis=1), 0), axis=1)
    return z


def examples(rng, count, concept):
    """Token rows of `count` examples of 10-20 tokens each: sums of 2 directions, concept ones often one of 28..31."""
    rows = []
    for example in range(count):
        length = int(rng.integers(10, 21))
        for position in range(1, length + 1):
            pool = np.arange(28) if not concept or rng.random() > 0.35 else np.arange(28, 32)
            chosen = [int(rng.choice(pool)), int(rng.integers(0, 28))]
            rows.append((example, position, int(rng.integers(3, 500)), chosen, rng.uniform(0.5, 2.0, size=2)))
    return rows


def main():
    rng = np.random.default_rng(77)
    w_dec = rng.standard_normal((D_SAE, D_IN))
    w_dec /= np.linalg.norm(w_dec, axis=1, keepdims=True)
    w_dec = w_dec.astype(np.float32)
    w_enc = w_dec.T.copy()
    b_enc = np.zeros(D_SAE, dtype=np.float32)
    b_dec = np.zeros(D_IN, dtype=np.float32)

    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    sae_dir, cache_dir = os.path.join(OUT, "sae"), os.path.join(OUT, "cache")
    os.makedirs(sae_dir)
    os.makedirs(cache_dir)
    write_safetensors(os.path.join(sae_dir, "sae_weights.safetensors"), [("W_enc", w_enc), ("b_enc", b_enc), ("W_dec", w_dec), ("b_dec", b_dec)])
    with open(os.path.join(sae_dir, "cfg.json"), "w") as f:
        json.dump({"architecture": "topk", "d_in": D_IN, "d_sae": D_SAE, "k": K, "dtype": "float32", "device": "cpu",
                   "apply_b_dec_to_input": True, "normalize_activations": "none", "reshape_activations": "none",
                   "rescale_acts_by_decoder_norm": False,
                   "metadata": {"sae_lens_version": "6.18.0", "hook_name": f"blocks.{LAYER}.hook_resid_post"}}, f)

    groups = {0: examples(rng, 120, True), 1: examples(rng, 120, False)}
    # Two shards: examples 0..99 of each class in the first, the rest in the second.
    files, all_x, all_meta = [], [], []
    for shard in range(2):
        xs, metas, entry = [], [], {"file": f"tokens-{shard:05d}.npy", "rows_file": f"tokens-{shard:05d}.rows.npy"}
        for g, name in ((0, "concept"), (1, "background")):
            part = [r for r in groups[g] if (r[0] < 60) == (shard == 0)]
            for example, position, token, chosen, weights in part:
                xs.append(sum(w * w_dec[c] for c, w in zip(chosen, weights)) + 0.01 * rng.standard_normal(D_IN))
                metas.append((g, example, position, token))
            first = 0 if shard == 0 else 60
            entry[name] = {"first_example": first, "examples": 60, "rows": len(part)}
        x = np.asarray(xs, dtype=np.float32)
        meta = np.asarray(metas, dtype=np.int32)
        np.save(os.path.join(cache_dir, entry["file"]), x)
        np.save(os.path.join(cache_dir, entry["rows_file"]), meta)
        files.append(entry)
        all_x.append(x)
        all_meta.append(meta)
    counts = {g: len(groups[g]) for g in groups}
    index = {"format": "unlearn-activations", "version": 2, "model": {"folder": "synthetic", "digest": "none"},
             "sites": [SITE], "layers": [LAYER], "pooling": "tokens", "include_special_tokens": False,
             "batch_size": 8, "max_tokens": 128, "hidden_size": D_IN, "intermediate_size": 16,
             "groups": {name: {"examples": 120, "tokens": counts[g] + 120, "pooled_tokens": counts[g], "truncated": 0, "rows": counts[g]}
                        for g, name in ((0, "concept"), (1, "background"))},
             "columns": [{"site": f"layers.{LAYER}.{SITE}", "offset": 0, "width": D_IN}],
             "row_fields": ["class", "example", "position", "token_id"], "files": files}
    with open(os.path.join(cache_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=2)

    x = np.concatenate(all_x)
    meta = np.concatenate(all_meta)
    concept_rows = np.flatnonzero(meta[:, 0] == 0)[:CONCEPT_BUDGET]
    neutral_rows = np.flatnonzero(meta[:, 0] == 1)[:NEUTRAL_BUDGET]
    stats = {}
    for name, rows in (("concept", concept_rows), ("neutral", neutral_rows)):
        z = encode(x[rows], w_enc, b_enc, b_dec)
        c = (z > 0).sum(axis=0)
        stats[name] = (c, c / len(rows), z.sum(axis=0) / (c + 1e-8))
    (ct, ft, mt), (cn, fn, mn) = stats["concept"], stats["neutral"]
    ratio = (ct + 16) / (cn + 16)
    act_ratio = mt / (mn + 1e-4)
    score = (ft - fn) * np.log(1 + ratio) * np.log(1 + act_ratio)
    valid = (ft > 0.001) & (ct >= 64) & (fn < 0.005) & (ft < 0.2) & (ratio > 2)
    ordered = sorted(np.flatnonzero(valid), key=lambda f: (-score[f], f))[:TOP_N]
    # Strongest activations of each selected feature over both token sets (ties: earlier row).
    both = np.concatenate([concept_rows, neutral_rows])
    z = encode(x[both], w_enc, b_enc, b_dec)
    top_rows = []
    for f in ordered:
        order = sorted(range(len(both)), key=lambda i: (-z[i, f], i))[:CONTEXTS]
        top_rows.append([int(both[i]) for i in order if z[i, f] > 0])
    np.savez(os.path.join(OUT, "expected.npz"), concept_fire_count=ct.astype(np.int64), neutral_fire_count=cn.astype(np.int64),
             concept_mean=mt, neutral_mean=mn, ratio=ratio, act_ratio=act_ratio, score=score, valid=valid,
             selected=np.asarray(ordered, dtype=np.int32), top_rows=np.asarray(top_rows, dtype=np.int32),
             budgets=np.asarray([CONCEPT_BUDGET, NEUTRAL_BUDGET, TOP_N, CONTEXTS], dtype=np.int32))
    print("valid", int(valid.sum()), "selected", ordered)


if __name__ == "__main__":
    main()
