#!/usr/bin/env python3
"""Reference timings in PyTorch for the side-by-side benchmarks (never used by the product or its tests).

A plain-PyTorch Llama/Qwen2 decoder in Hugging Face conventions (rotate_half RoPE with optional llama3
scaling, repeat_interleave GQA, RMSNorm x*rsqrt(mean(x^2)+eps)*w, SwiGLU MLP, tied or untied head), with
random weights of a named shape, so speed can be compared without transformers or a download.

  python3 torch_llama.py prefill --shape llama-3.2-1b --layers 2 --batch 1 --tokens 256 --threads 2
  python3 torch_llama.py decode  --shape llama-3.2-1b --layers 2 --tokens 64 --threads 2
  python3 torch_llama.py lora    --shape llama-3.2-1b --layers 2 --batch 4 --tokens 256 --rank 16 --threads 2

Each prints one JSON object on stdout. load_hf_folder(path) builds the same decoder from a Hugging Face folder
(config.json, model.safetensors or shards with model.safetensors.index.json; F32/F16/BF16; tied or untied head;
q/k/v/o biases; llama3 RoPE scaling), for reference scripts that check real weights (export_reference.py).
"""
import argparse
import json
import math
import os
import resource
import statistics
import struct
import time

import numpy as np
import torch

SHAPES = {
    "llama-3.2-1b": dict(hidden=2048, inter=8192, layers=16, heads=32, kv=8, head_dim=64, vocab=128256,
                         theta=500000.0, llama3=(32.0, 1.0, 4.0, 8192), tied=True, bias=False, eps=1e-5),
    "llama-3.2-3b": dict(hidden=3072, inter=8192, layers=28, heads=24, kv=8, head_dim=128, vocab=128256,
                         theta=500000.0, llama3=(32.0, 1.0, 4.0, 8192), tied=True, bias=False, eps=1e-5),
    "qwen2.5-0.5b": dict(hidden=896, inter=4864, layers=24, heads=14, kv=2, head_dim=64, vocab=151936,
                         theta=1000000.0, llama3=None, tied=True, bias=True, eps=1e-6),
}
PROJECTIONS = ["q", "k", "v", "o", "gate", "up", "down"]


def inv_freq(shape):
    d = shape["head_dim"]
    f = 1.0 / (shape["theta"] ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    if shape["llama3"]:
        factor, low, high, old = shape["llama3"]
        wl = 2 * math.pi / f
        smooth = (old / wl - low) / (high - low)
        scaled = torch.where(wl > old / low, f / factor, f)
        mid = (wl >= old / high) & (wl <= old / low)
        scaled = torch.where(mid, (1 - smooth) * f / factor + smooth * f, scaled)
        f = scaled
    return f.float()


class Linear(torch.nn.Module):
    def __init__(self, n_in, n_out, bias, rank=0):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(n_out, n_in) * 0.02, requires_grad=False)
        self.bias = torch.nn.Parameter(torch.zeros(n_out), requires_grad=False) if bias else None
        self.rank = rank
        if rank:
            self.lora_a = torch.nn.Parameter(torch.empty(rank, n_in))
            torch.nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
            self.lora_b = torch.nn.Parameter(torch.zeros(n_out, rank))
            self.scale = 1.0  # alpha = rank

    def forward(self, x):
        y = torch.nn.functional.linear(x, self.weight, self.bias)
        if self.rank:
            y = y + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale
        return y


class Block(torch.nn.Module):
    def __init__(self, s, rank):
        super().__init__()
        h, d = s["hidden"], s["head_dim"]
        self.s = s
        self.n1 = torch.nn.Parameter(torch.ones(h), requires_grad=False)
        self.n2 = torch.nn.Parameter(torch.ones(h), requires_grad=False)
        self.q = Linear(h, s["heads"] * d, s["bias"], rank)
        self.k = Linear(h, s["kv"] * d, s["bias"], rank)
        self.v = Linear(h, s["kv"] * d, s["bias"], rank)
        self.o = Linear(s["heads"] * d, h, s.get("o_bias", False), rank)
        self.gate = Linear(h, s["inter"], False, rank)
        self.up = Linear(h, s["inter"], False, rank)
        self.down = Linear(s["inter"], h, False, rank)

    def norm(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.s["eps"]) * w

    def forward(self, x, cos, sin, cache=None):
        s = self.s
        b, t, _ = x.shape
        h = self.norm(x, self.n1)
        q = self.q(h).view(b, t, s["heads"], s["head_dim"]).transpose(1, 2)
        k = self.k(h).view(b, t, s["kv"], s["head_dim"]).transpose(1, 2)
        v = self.v(h).view(b, t, s["kv"], s["head_dim"]).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache.get("k") is not None:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        rep = s["heads"] // s["kv"]
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(s["head_dim"])
        tk = k.shape[2]
        if t > 1:
            mask = torch.full((t, tk), float("-inf")).triu(tk - t + 1)
            scores = scores + mask
        att = torch.softmax(scores, dim=-1) @ v
        x = x + self.o(att.transpose(1, 2).reshape(b, t, -1))
        h = self.norm(x, self.n2)
        return x + self.down(torch.nn.functional.silu(self.gate(h)) * self.up(h))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Model(torch.nn.Module):
    def __init__(self, s, layers, rank=0):
        super().__init__()
        self.s = s
        self.embed = torch.nn.Parameter(torch.randn(s["vocab"], s["hidden"]) * 0.02, requires_grad=False)
        self.blocks = torch.nn.ModuleList([Block(s, rank) for _ in range(layers)])
        self.norm_w = torch.nn.Parameter(torch.ones(s["hidden"]), requires_grad=False)
        self.lm_head = None  # None: tied to embed
        self.inv_freq = inv_freq(s)

    def forward(self, ids, start=0, caches=None):
        t = ids.shape[1]
        pos = torch.arange(start, start + t, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos(), emb.sin()
        x = self.embed[ids]
        for i, blk in enumerate(self.blocks):
            x = blk(x, cos, sin, None if caches is None else caches[i])
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.s["eps"]) * self.norm_w
        return x @ (self.embed if self.lm_head is None else self.lm_head).t()


HF_PROJECTIONS = [("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"), ("o", "self_attn.o_proj"),
                  ("gate", "mlp.gate_proj"), ("up", "mlp.up_proj"), ("down", "mlp.down_proj")]


def read_safetensors(path):
    """{name: float32 tensor} of one safetensors file (F32, F16 and BF16 widened exactly)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        raw = np.frombuffer(data[start:end], dtype=np.uint8)
        if meta["dtype"] == "F32":
            t = torch.from_numpy(raw.view("<f4").copy())
        elif meta["dtype"] == "F16":
            t = torch.from_numpy(raw.view("<f2").astype(np.float32))
        elif meta["dtype"] == "BF16":
            t = torch.from_numpy((raw.view("<u2").astype(np.uint32) << 16).view(np.float32).copy())
        elif meta["dtype"] == "I64":
            t = torch.from_numpy(raw.view("<i8").copy())
        else:
            raise SystemExit(f"{path}: {name} is {meta['dtype']}")
        tensors[name] = t.reshape(meta["shape"])
    return tensors


def read_hf_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(os.path.join(folder, "model.safetensors")):
        return read_safetensors(os.path.join(folder, "model.safetensors"))
    weights = {}
    for shard in sorted(set(json.load(open(index))["weight_map"].values())):
        weights.update(read_safetensors(os.path.join(folder, shard)))
    return weights


def hf_shape(c):
    head_dim = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    rs = c.get("rope_scaling")
    llama3 = None
    if rs and rs.get("rope_type", rs.get("type")) == "llama3":
        llama3 = (rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"])
    qwen = c["model_type"] == "qwen2"
    return dict(hidden=c["hidden_size"], inter=c["intermediate_size"], layers=c["num_hidden_layers"],
                heads=c["num_attention_heads"], kv=c.get("num_key_value_heads", c["num_attention_heads"]), head_dim=head_dim,
                vocab=c["vocab_size"], theta=c.get("rope_theta", 10000.0), llama3=llama3,
                tied=c.get("tie_word_embeddings", False), bias=qwen or c.get("attention_bias", False),
                o_bias=(not qwen) and c.get("attention_bias", False), eps=c["rms_norm_eps"])


def model_from_weights(s, w):
    """The decoder with the Hugging Face-named weights w."""
    m = Model(s, s["layers"])
    with torch.no_grad():
        m.embed = torch.nn.Parameter(w["model.embed_tokens.weight"].clone(), requires_grad=False)
        m.norm_w.copy_(w["model.norm.weight"])
        if not s["tied"]:
            m.lm_head = w["lm_head.weight"].clone()
        for i, b in enumerate(m.blocks):
            p = f"model.layers.{i}."
            b.n1.copy_(w[p + "input_layernorm.weight"])
            b.n2.copy_(w[p + "post_attention_layernorm.weight"])
            for mine, theirs in HF_PROJECTIONS:
                layer = getattr(b, mine)
                layer.weight.copy_(w[p + theirs + ".weight"])
                if layer.bias is not None:
                    layer.bias.copy_(w[p + theirs + ".bias"])
    return m


def load_hf_folder(folder):
    c = json.load(open(os.path.join(folder, "config.json")))
    return model_from_weights(hf_shape(c), read_hf_weights(folder))


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed(fn, repeats):
    return timed_with_cpu(fn, repeats)[0]


def timed_with_cpu(fn, repeats):
    """Median wall and process-CPU seconds of fn over `repeats` calls after one warm-up call."""
    fn()
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["prefill", "decode", "lora"])
    p.add_argument("--shape", default="llama-3.2-1b", choices=sorted(SHAPES))
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--tokens", type=int, default=256)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    s = SHAPES[a.shape]
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "shape": a.shape, "layers": a.layers}
    if a.mode == "prefill":
        m = Model(s, a.layers)
        ids = torch.randint(0, s["vocab"], (a.batch, a.tokens))
        with torch.no_grad():
            sec = timed(lambda: m(ids), a.repeats)
        out.update(mode="prefill", batch=a.batch, tokens=a.tokens, seconds=sec,
                   tokens_per_s=a.batch * a.tokens / sec)
    elif a.mode == "decode":
        m = Model(s, a.layers)
        prompt = torch.randint(0, s["vocab"], (1, 8))

        def run():
            caches = [dict(k=None, v=None) for _ in range(a.layers)]
            logits = m(prompt, 0, caches)
            nxt = logits[:, -1:].argmax(-1)
            for i in range(a.tokens):
                logits = m(nxt, 8 + i, caches)
                nxt = logits[:, -1:].argmax(-1)
        with torch.no_grad():
            sec = timed(run, a.repeats)
        prefill = timed(lambda: m(prompt, 0, [dict(k=None, v=None) for _ in range(a.layers)]), a.repeats)
        out.update(mode="decode", tokens=a.tokens, seconds=sec - prefill, tokens_per_s=a.tokens / (sec - prefill))
    else:
        m = Model(s, a.layers, rank=a.rank)
        params = [p for p in m.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=2e-4)
        ids = torch.randint(0, s["vocab"], (a.batch, a.tokens))

        def step():
            logits = m(ids)
            loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, s["vocab"]), ids[:, 1:].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        sec, cpu = timed_with_cpu(step, a.repeats)
        out.update(mode="lora", batch=a.batch, tokens=a.tokens, rank=a.rank, seconds=sec, cpu_seconds=cpu,
                   tokens_per_s=a.batch * a.tokens / sec, trainable=sum(p.numel() for p in params))
    out["peak_rss_bytes"] = peak_rss_bytes()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
