"""Opens an SAE Unlearn trained (TrainSae's sae/ folder, SAELens layout) with numpy alone and checks it:

  * cfg.json has what SAELens 6.18.0 (commit 91ca16c) needs to build a TopKSAE: architecture "topk", d_in, d_sae, k,
    dtype, apply_b_dec_to_input, normalize_activations "none", reshape_activations "none", metadata.sae_lens_version
    >= 6 (else SAELens treats the file as a pre-6.0 config) and a TransformerLens metadata.hook_name;
  * sae_weights.safetensors holds exactly W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in], b_dec [d_in] in F32
    (SAELens loads the state dict strictly), decoder rows at unit norm;
  * the FVU and L0 over every cached training token (CacheActivations' tokens-*.npy shards, memory-mapped), computed here
    in float64 with TopK = argsort, equal metrics.json's train.fvu and train.l0.

Neither SAELens nor the safetensors package runs here, so the safetensors file is parsed by hand (8-byte little-endian
header length, JSON header, raw data). Prints one JSON object; exits 1 on a mismatch.
Run: /usr/bin/python3 tests/reference/sae_numpy_check.py artifacts/sae-stories260K/TrainSae artifacts/sae-stories260K/CacheActivations
     (a view folder's stage.json, or the store entry folder itself)
"""
import json
import os
import struct
import sys

import numpy as np


def entry(folder):
    """A view folder (artifacts/<experiment>/<Stage>/stage.json) resolves to its store entry."""
    view = os.path.join(folder, "stage.json")
    if os.path.exists(view):
        key = json.load(open(view))["key"]
        return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(folder))), "cache", key)
    return folder


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32", f"{name} is {info['dtype']}, not F32"
        tensors[name] = np.frombuffer(data[8 + length + begin:8 + length + end], dtype="<f4").reshape(info["shape"])
    return tensors


def main():
    sae_dir = os.path.join(entry(sys.argv[1]), "sae")
    cache_dir = entry(sys.argv[2])
    metrics = json.load(open(os.path.join(entry(sys.argv[1]), "metrics.json")))
    cfg = json.load(open(os.path.join(sae_dir, "cfg.json")))
    problems = []
    for field, expected in (("architecture", "topk"), ("normalize_activations", "none"), ("reshape_activations", "none"), ("dtype", "float32")):
        if cfg.get(field) != expected:
            problems.append(f"cfg.json {field} = {cfg.get(field)!r}, expected {expected!r}")
    for field in ("d_in", "d_sae", "k", "apply_b_dec_to_input"):
        if field not in cfg:
            problems.append(f"cfg.json lacks {field}")
    meta = cfg.get("metadata", {})
    if int(str(meta.get("sae_lens_version", "0")).split(".")[0]) < 6:
        problems.append("metadata.sae_lens_version is missing or < 6: SAELens would read the file as a pre-6.0 config")
    if not str(meta.get("hook_name", "")).startswith("blocks."):
        problems.append(f"metadata.hook_name {meta.get('hook_name')!r} is not a TransformerLens hook name")
    d_in, d_sae, k = cfg["d_in"], cfg["d_sae"], cfg["k"]
    w = read_safetensors(os.path.join(sae_dir, "sae_weights.safetensors"))
    shapes = {"W_enc": [d_in, d_sae], "b_enc": [d_sae], "W_dec": [d_sae, d_in], "b_dec": [d_in]}
    if sorted(w) != sorted(shapes):
        problems.append(f"tensors {sorted(w)}, SAELens expects exactly {sorted(shapes)}")
    for name, shape in shapes.items():
        if name in w and list(w[name].shape) != shape:
            problems.append(f"{name} is {list(w[name].shape)}, expected {shape}")
    norms = np.linalg.norm(w["W_dec"].astype(np.float64), axis=1)
    if np.abs(norms - 1).max() > 1e-5:
        problems.append(f"W_dec rows are not unit norm (max |norm - 1| = {np.abs(norms - 1).max():.2e})")

    index = json.load(open(os.path.join(cache_dir, "index.json")))
    column = next(c for c in index["columns"] if c["site"] == meta.get("unlearn_site"))
    parts = [np.load(os.path.join(cache_dir, f["file"]), mmap_mode="r")[:, column["offset"]:column["offset"] + column["width"]] for f in index["files"]]
    x = np.concatenate(parts).astype(np.float64)
    w_enc, b_enc, w_dec, b_dec = (w[n].astype(np.float64) for n in ("W_enc", "b_enc", "W_dec", "b_dec"))
    pre = ((x - b_dec) if cfg["apply_b_dec_to_input"] else x) @ w_enc + b_enc
    top = np.argsort(-pre, axis=1, kind="stable")[:, :k]
    values = np.maximum(np.take_along_axis(pre, top, axis=1), 0)
    z = np.zeros_like(pre)
    np.put_along_axis(z, top, values, axis=1)
    xhat = z @ w_dec + b_dec
    fvu = float(((x - xhat) ** 2).sum() / ((x - x.mean(axis=0)) ** 2).sum())
    l0 = float((values > 0).sum() / len(x))
    reported = metrics["train"]
    if abs(fvu - reported["fvu"]) > 1e-5 * max(1.0, fvu):
        problems.append(f"FVU {fvu:.8f} from numpy, metrics.json says {reported['fvu']:.8f}")
    if abs(l0 - reported["l0"]) > 1e-9 or len(x) != reported["tokens"]:
        problems.append(f"L0 {l0} over {len(x)} tokens from numpy, metrics.json says {reported['l0']} over {reported['tokens']}")
    print(json.dumps({"tokens": len(x), "fvu_numpy": fvu, "fvu_reported": reported["fvu"], "l0_numpy": l0, "l0_reported": reported["l0"],
                      "shape": [d_in, d_sae, k], "hook_name": meta.get("hook_name"), "problems": problems}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
