#!/usr/bin/env python3
"""PyTorch reference for gradient and Fisher saliency (never used by the product or its tests at run time).

For each golden model folder (tests/Unlearn.Models.Tests/Data/golden/<name>: HF layout, F32/F16/BF16, sharded or
not, tied or untied head, Qwen2 q/k/v bias, llama3 RoPE scaling) it runs a plain float64 PyTorch decoder in Hugging
Face conventions on a fixed, seeded set of token sequences, one sequence at a time, and records at every hook site
(layers.L.input, .attn.out, .mlp.act, .mlp.out, .residual) the activation h and the gradient g = dL_e/dh of the
sequence's objective L_e = mean over its target tokens of -log p(token | prefix). From them:

  gradient_j = mean_e |sum_t g_tj h_tj| / T_e         (gradient x activation, over the counted positions t)
  fisher_j   = mean_e  sum_t g_tj^2     / T_e         (diagonal empirical Fisher)

for the "concept" sequences (a few target tokens each) and the "background" sequences (every token after BOS),
and the contrasted scores (difference: max(c - b, 0); ratio: c / (b + 1e-6 mean(b))). Counted positions exclude
position 0 (BOS). Writes saliency-gradients.safetensors and saliency-gradients.json into the model folder's test
data directory (tests/Unlearn.Methods.Tests/Data/saliency/<name>/).

  /usr/bin/python3 tests/reference/saliency_gradients.py
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_llama import rotate_half  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = os.path.join(ROOT, "tests", "Unlearn.Models.Tests", "Data", "golden")
OUT = os.path.join(ROOT, "tests", "Unlearn.Methods.Tests", "Data", "saliency")
MODELS = ["llama3-mini", "qwen2-mini", "llama2-mini"]
SITES = ["input", "attn.out", "mlp.act", "mlp.out", "residual"]
DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        raw = data[start:end]
        if meta["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            values = bits.view(np.float32)
        else:
            values = np.frombuffer(raw, dtype=DTYPES[meta["dtype"]])
        if meta["dtype"] == "I64":
            out[name] = torch.from_numpy(values.copy()).reshape(meta["shape"])
            continue
        out[name] = torch.from_numpy(values.astype(np.float32).astype(np.float64)).reshape(meta["shape"])
    return out


def load_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        files = sorted(set(json.load(open(index))["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for f in files:
        weights.update(read_safetensors(os.path.join(folder, f)))
    return weights


def inv_freq(c, head_dim):
    f = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
    scaling = c.get("rope_scaling")
    if scaling and scaling.get("rope_type") == "llama3":
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        wl = 2 * math.pi / f
        smooth = (old / wl - low) / (high - low)
        scaled = torch.where(wl > old / low, f / factor, f)
        mid = (wl >= old / high) & (wl <= old / low)
        f = torch.where(mid, (1 - smooth) * f / factor + smooth * f, scaled)
    return f


class Decoder:
    def __init__(self, folder):
        self.c = json.load(open(os.path.join(folder, "config.json")))
        self.w = load_weights(folder)
        c = self.c
        self.heads, self.kv = c["num_attention_heads"], c["num_key_value_heads"]
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.layers = c["num_hidden_layers"]
        self.eps = c["rms_norm_eps"]
        self.inv_freq = inv_freq(c, self.head_dim)

    def linear(self, x, name):
        y = x @ self.w[name + ".weight"].t()
        bias = self.w.get(name + ".bias")
        return y if bias is None else y + bias

    def norm(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w[name]

    def forward(self, ids, observe):
        """ids: [T]; observe(site_name, tensor) returns the tensor the rest of the forward uses (retain_grad there)."""
        t = ids.shape[0]
        pos = torch.arange(t, dtype=torch.float64)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos(), emb.sin()
        # A leaf that requires a gradient, so layers.0.input (the embedding output) gets one too.
        x = self.w["model.embed_tokens.weight"][ids].clone().requires_grad_(True)
        mask = torch.full((t, t), float("-inf"), dtype=torch.float64).triu(1)
        for i in range(self.layers):
            p = f"model.layers.{i}."
            x = observe(f"layers.{i}.input", x)
            h = self.norm(x, p + "input_layernorm.weight")
            q = self.linear(h, p + "self_attn.q_proj").view(t, self.heads, self.head_dim).transpose(0, 1)
            k = self.linear(h, p + "self_attn.k_proj").view(t, self.kv, self.head_dim).transpose(0, 1)
            v = self.linear(h, p + "self_attn.v_proj").view(t, self.kv, self.head_dim).transpose(0, 1)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            rep = self.heads // self.kv
            k = k.repeat_interleave(rep, dim=0)
            v = v.repeat_interleave(rep, dim=0)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + mask, dim=-1) @ v
            a = observe(f"layers.{i}.attn.out", self.linear(att.transpose(0, 1).reshape(t, -1), p + "self_attn.o_proj"))
            x = x + a
            h = self.norm(x, p + "post_attention_layernorm.weight")
            act = observe(f"layers.{i}.mlp.act",
                          torch.nn.functional.silu(self.linear(h, p + "mlp.gate_proj")) * self.linear(h, p + "mlp.up_proj"))
            m = observe(f"layers.{i}.mlp.out", self.linear(act, p + "mlp.down_proj"))
            x = observe(f"layers.{i}.residual", x + m)
        x = self.norm(x, "model.norm.weight")
        head = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])
        return x @ head.t()


def sequences(vocab, seed):
    """Concept sequences with 1-3 target tokens each and background sequences (every token after BOS), BOS = 1."""
    g = torch.Generator().manual_seed(seed)
    concept, background = [], []
    for k in range(5):
        n = 6 + int(torch.randint(0, 7, (1,), generator=g))
        ids = [1] + torch.randint(3, vocab, (n - 1,), generator=g).tolist()
        targets = [False] * n
        count = 1 + k % 3
        for p in torch.randperm(n - 1, generator=g)[:count].tolist():
            targets[p + 1] = True
        concept.append((ids, targets))
    for k in range(4):
        n = 5 + int(torch.randint(0, 8, (1,), generator=g))
        ids = [1] + torch.randint(3, vocab, (n - 1,), generator=g).tolist()
        background.append((ids, [False] + [True] * (n - 1)))
    return concept, background


def measure(model, seqs):
    grad, fisher = {}, {}
    raw = None
    for e, (ids, targets) in enumerate(seqs):
        kept = {}

        def observe(name, tensor):
            tensor.retain_grad()
            kept[name] = tensor
            return tensor

        x = torch.tensor(ids)
        logits = model.forward(x, observe)
        lp = torch.log_softmax(logits, dim=-1)
        nll = [-lp[p - 1, ids[p]] for p in range(1, len(ids)) if targets[p]]
        loss = torch.stack(nll).mean()
        loss.backward()
        counted = list(range(1, len(ids)))  # BOS (position 0) is not counted
        for name, h in kept.items():
            hv, gv = h.detach()[counted], h.grad.detach()[counted]
            ga = (gv * hv).sum(0).abs() / len(counted)
            fi = (gv * gv).sum(0) / len(counted)
            grad[name] = grad.get(name, 0) + ga
            fisher[name] = fisher.get(name, 0) + fi
        if e == 0:
            raw = {name: (h.detach(), h.grad.detach()) for name, h in kept.items()}
    n = len(seqs)
    return {k: v / n for k, v in grad.items()}, {k: v / n for k, v in fisher.items()}, raw


def contrast(kind, c, b):
    if kind == "difference":
        return torch.clamp(c - b, min=0)
    eps = 1e-6 * b.mean()
    d = b + eps
    return torch.where(d > 0, c / d, torch.zeros_like(c))


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name].numpy().astype("<f4"))
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def check_against_golden_logits(model, folder):
    """The decoder must reproduce the logits the golden models were published with (golden.safetensors)."""
    golden = read_safetensors(os.path.join(folder, "golden.safetensors"))
    worst = 0.0
    for b in range(golden["input_ids"].shape[0]):
        with torch.no_grad():
            logits = model.forward(golden["input_ids"][b], lambda _, t: t)
        worst = max(worst, float((logits - golden["logits"][b]).abs().max()))
    if worst > 1e-3:
        raise SystemExit(f"{folder}: this decoder differs from golden.safetensors' logits by {worst}")
    return worst


def main():
    torch.set_num_threads(1)
    for name in MODELS:
        model = Decoder(os.path.join(GOLDEN, name))
        worst = check_against_golden_logits(model, os.path.join(GOLDEN, name))
        concept, background = sequences(model.c["vocab_size"], seed=13)
        cg, cf, raw = measure(model, concept)
        bg, bf, _ = measure(model, background)
        tensors = {}
        for site in cg:
            tensors[f"concept/gradient/{site}"] = cg[site]
            tensors[f"concept/fisher/{site}"] = cf[site]
            tensors[f"background/gradient/{site}"] = bg[site]
            tensors[f"background/fisher/{site}"] = bf[site]
            for kind in ("difference", "ratio"):
                tensors[f"score/gradient/{kind}/{site}"] = contrast(kind, cg[site], bg[site])
                tensors[f"score/fisher/{kind}/{site}"] = contrast(kind, cf[site], bf[site])
            h, g = raw[site]
            tensors[f"example0/value/{site}"] = h
            tensors[f"example0/gradient/{site}"] = g
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        write_safetensors(os.path.join(folder, "saliency-gradients.safetensors"), tensors)
        doc = {
            "model": f"tests/Unlearn.Models.Tests/Data/golden/{name}",
            "reference": "PyTorch float64, one sequence at a time, HF conventions (rotate_half RoPE, repeat_interleave GQA, "
                         "RMSNorm x*rsqrt(mean(x^2)+eps)*w, silu(gate)*up), weights as stored widened to float64",
            "objective": "L_e = mean over target tokens p of -log p(ids[p] | ids[:p]); counted positions exclude position 0 (BOS)",
            "sites": SITES,
            "concept": [{"ids": ids, "targets": t} for ids, t in concept],
            "background": [{"ids": ids, "targets": t} for ids, t in background],
            "tensors": {
                "concept|background/gradient/<site>": "mean_e |sum_t g h| / T_e",
                "concept|background/fisher/<site>": "mean_e sum_t g^2 / T_e",
                "score/<method>/<difference|ratio>/<site>": "max(c - b, 0) or c / (b + 1e-6 mean(b))",
                "example0/value|gradient/<site>": "[T, width] h and dL/dh of the first concept sequence",
            },
            "checked": f"the decoder reproduces golden.safetensors' logits within {worst:.1e}",
            "torch": torch.__version__,
        }
        with open(os.path.join(folder, "saliency-gradients.json"), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"{name}: {len(tensors)} tensors; logits match golden.safetensors within {worst:.2e}")


if __name__ == "__main__":
    main()
