"""Fixtures for reading SAE folders written by SAELens and sparsify (tests/Unlearn.Methods.Tests/Sae/SaeFormatTests.cs),
and the numpy reference forward pass they must give.

Neither SAELens nor the safetensors package is installed here, so the files are written the way those tools write them,
from their sources (SAELens 6.18.0, commit 91ca16c: SAE.save_model = safetensors.torch.save_file(state_dict) + json.dump(
cfg.to_dict()); sparsify 1.3.0, commit 9d3b136: SparseCoder.save_to_disk = save_model(self, "sae.safetensors") +
json.dump({**cfg.to_dict(), "d_in": d_in})), with a minimal safetensors writer (8-byte little-endian header length,
JSON header with dtype/shape/data_offsets, header padded with spaces to 8 bytes, raw little-endian data).

Writes under tests/Unlearn.Methods.Tests/Data/sae/:
  saelens-topk/     cfg.json + sae_weights.safetensors (F32; W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in], b_dec)
  sparsify/layers.1/ cfg.json + sae.safetensors (BF16; encoder.weight [d_sae, d_in], encoder.bias, W_dec, b_dec)
  formats-expected.npz  x and, per folder, the TopK indices, codes and reconstruction computed here in float64
Run: /usr/bin/python3 tests/reference/sae_formats_reference.py
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Unlearn.Methods.Tests", "Data", "sae")
D_IN, D_SAE, K, ROWS = 8, 32, 3, 10


def to_bf16_bits(values):
    """float32 -> bfloat16 bits with round-to-nearest-even (what torch's .to(torch.bfloat16) does)."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def bf16_to_float(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype, shape, bytes) in file order."""
    header, offset, blobs = {}, 0, []
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def encode(x, w_enc_t, b_enc, b_dec, w_dec, apply_b_dec=True):
    """float64 reference: pre = (x - b_dec) W_enc + b_enc, top-k (stable: lower latent first on ties), ReLU, decode."""
    x, w_enc_t, b_enc, b_dec, w_dec = (np.asarray(a, dtype=np.float64) for a in (x, w_enc_t, b_enc, b_dec, w_dec))
    pre = ((x - b_dec) if apply_b_dec else x) @ w_enc_t.T + b_enc
    order = np.argsort(-pre, axis=1, kind="stable")[:, :K]
    values = np.maximum(np.take_along_axis(pre, order, axis=1), 0)
    z = np.zeros_like(pre)
    np.put_along_axis(z, order, values, axis=1)
    return order.astype(np.int32), values, z @ w_dec + b_dec


def ablation(x, w_enc, b_enc, b_dec, w_dec, idx):
    """x_out = x + sum over f in F with z_f > 0 of (s - 1) z_f d_f, s = -3, written as the prototype's
    z' W_dec + b_dec + (x - xhat) with z'_f = s z_f on F, for both gates: z the TopK code, or ReLU(pre) at F."""
    s = -3.0
    counts = np.bincount(idx.ravel(), minlength=D_SAE)
    features = np.sort(np.argsort(-counts, kind="stable")[:4]).astype(np.int32)
    xd, w_enc, b_enc, b_dec, w_dec = (np.asarray(a, dtype=np.float64) for a in (x, w_enc, b_enc, b_dec, w_dec))
    pre = (xd - b_dec) @ w_enc + b_enc
    out = {"ablation_features": features, "ablation_scale": np.array(s)}
    for gate in ("topk", "relu"):
        if gate == "topk":
            z = np.zeros_like(pre)
            np.put_along_axis(z, idx, np.maximum(np.take_along_axis(pre, idx, axis=1), 0), axis=1)
        else:
            z = np.maximum(pre, 0)
        xhat = z @ w_dec + b_dec
        z_scaled = z.copy()
        z_scaled[:, features] *= s
        out[f"ablation_{gate}"] = z_scaled @ w_dec + b_dec + (xd - xhat)
    return out


def main():
    rng = np.random.default_rng(2024)
    x = (rng.standard_normal((ROWS, D_IN)) + 0.1).astype(np.float32)
    expected = {"x": x}

    # SAELens TopK SAE, as SAE.save_model writes it.
    w_dec = rng.standard_normal((D_SAE, D_IN)).astype(np.float32)
    w_dec /= np.linalg.norm(w_dec, axis=1, keepdims=True)
    w_enc = (rng.standard_normal((D_IN, D_SAE)) * 0.7).astype(np.float32)
    b_enc = (rng.standard_normal(D_SAE) * 0.1).astype(np.float32)
    b_dec = (rng.standard_normal(D_IN) * 0.2).astype(np.float32)
    folder = os.path.join(OUT, "saelens-topk")
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "sae_weights.safetensors"), [
        ("W_enc", "F32", w_enc.shape, w_enc.tobytes()), ("b_enc", "F32", b_enc.shape, b_enc.tobytes()),
        ("W_dec", "F32", w_dec.shape, w_dec.tobytes()), ("b_dec", "F32", b_dec.shape, b_dec.tobytes())])
    cfg = {"d_in": D_IN, "d_sae": D_SAE, "dtype": "float32", "device": "cpu", "apply_b_dec_to_input": True,
           "normalize_activations": "none", "reshape_activations": "none",
           "metadata": {"sae_lens_version": "6.18.0", "sae_lens_training_version": "6.18.0", "model_name": "tiny-test",
                        "hook_name": "blocks.2.hook_resid_post", "hook_head_index": None, "prepend_bos": True,
                        "context_size": 128, "dataset_path": "none"},
           "architecture": "topk", "k": K, "rescale_acts_by_decoder_norm": False}
    with open(os.path.join(folder, "cfg.json"), "w") as f:
        json.dump(cfg, f)
    idx, vals, xhat = encode(x, w_enc.T, b_enc, b_dec, w_dec)
    expected.update(saelens_indices=idx, saelens_codes=vals, saelens_xhat=xhat)
    expected.update(ablation(x, w_enc, b_enc, b_dec, w_dec, idx))
    expected.update(saelens_W_enc=w_enc, saelens_b_enc=b_enc, saelens_W_dec=w_dec, saelens_b_dec=b_dec)

    # sparsify SparseCoder in bfloat16, as save_to_disk writes it (hookpoint folder layers.1 = block 1's output).
    enc_w = (rng.standard_normal((D_SAE, D_IN)) * 0.7).astype(np.float32)
    enc_b = (rng.standard_normal(D_SAE) * 0.1).astype(np.float32)
    dec_w = enc_w / np.linalg.norm(enc_w, axis=1, keepdims=True)
    dec_b = (rng.standard_normal(D_IN) * 0.2).astype(np.float32)
    bits = {name: to_bf16_bits(v) for name, v in [("encoder.weight", enc_w), ("encoder.bias", enc_b), ("W_dec", dec_w), ("b_dec", dec_b)]}
    folder = os.path.join(OUT, "sparsify", "layers.1")
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "sae.safetensors"),
                      [(name, "BF16", shape, bits[name].tobytes()) for name, shape in
                       [("encoder.weight", enc_w.shape), ("encoder.bias", enc_b.shape), ("W_dec", dec_w.shape), ("b_dec", dec_b.shape)]])
    with open(os.path.join(folder, "cfg.json"), "w") as f:
        json.dump({"activation": "topk", "expansion_factor": D_SAE // D_IN, "normalize_decoder": True, "num_latents": 0,
                   "k": K, "multi_topk": False, "skip_connection": False, "transcode": False, "d_in": D_IN}, f)
    widened = {name: bf16_to_float(b) for name, b in bits.items()}
    idx, vals, xhat = encode(x, widened["encoder.weight"], widened["encoder.bias"], widened["b_dec"], widened["W_dec"])
    expected.update(sparsify_indices=idx, sparsify_codes=vals, sparsify_xhat=xhat)

    np.savez(os.path.join(OUT, "formats-expected.npz"), **expected)


if __name__ == "__main__":
    main()
