#!/usr/bin/env python3
"""PyTorch reference for the evaluation's teacher-forced metrics (never used by the product or its tests).

Reads a JSON file written by `compare evaluate` (tests/Unlearn.Benchmarks/EvaluationComparison.cs) holding the
token ids the C# evaluator scores for the base model — perplexity windows, concept probe pairs, multiple-choice
options — loads the model folder's safetensors with numpy, runs each sequence through the plain-PyTorch Llama of
torch_llama.py with the real weights, and computes the same metrics independently:
  perplexity     exp(sum of NLL over the scored tokens / their count); a token equal to "bos" is never a target
  concept_logprob mean over pairs of the mean continuation-token log-probability (clamped below at the floor)
  mc_accuracy    share of questions whose answer has the strictly highest summed log-probability
  mc_accuracy_norm  the same with each sum divided by the choice's UTF-8 byte length

  python3 eval_reference.py INPUT.json --threads 2

Prints one JSON object on stdout.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_llama import Model  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {meta['dtype']}; this reference reads F32 only")
        start, end = meta["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype="<f4").copy()).reshape(meta["shape"])
    return tensors


def load(folder):
    c = json.load(open(os.path.join(folder, "config.json")))
    head_dim = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    s = dict(hidden=c["hidden_size"], inter=c["intermediate_size"], layers=c["num_hidden_layers"],
             heads=c["num_attention_heads"], kv=c["num_key_value_heads"], head_dim=head_dim, vocab=c["vocab_size"],
             theta=c.get("rope_theta", 10000.0), llama3=None, tied=True, bias=False, eps=c["rms_norm_eps"])
    if not c.get("tie_word_embeddings", False) or c.get("rope_scaling"):
        raise SystemExit("this reference handles tied embeddings without RoPE scaling only (stories260K)")
    w = read_safetensors(os.path.join(folder, "model.safetensors"))
    m = Model(s, s["layers"])
    with torch.no_grad():
        m.embed.copy_(w["model.embed_tokens.weight"])
        m.norm_w.copy_(w["model.norm.weight"])
        for i, b in enumerate(m.blocks):
            p = f"model.layers.{i}."
            b.n1.copy_(w[p + "input_layernorm.weight"])
            b.n2.copy_(w[p + "post_attention_layernorm.weight"])
            for mine, theirs in [("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"),
                                 ("o", "self_attn.o_proj"), ("gate", "mlp.gate_proj"), ("up", "mlp.up_proj"),
                                 ("down", "mlp.down_proj")]:
                getattr(b, mine).weight.copy_(w[p + theirs + ".weight"])
    return m


def next_token_logprobs(m, ids):
    """[len(ids) - 1] float64 log p(ids[t+1] | ids[:t+1])."""
    x = torch.tensor([ids])
    with torch.no_grad():
        logits = m(x)[0].double()
    lp = torch.log_softmax(logits, dim=-1)
    return lp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].tolist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    spec = json.load(open(a.input))
    m = load(spec["folder"])
    floor = spec["floor"]
    t0 = time.perf_counter()
    nll, count = 0.0, 0
    bos = spec.get("bos")
    for w in spec["background"]:
        first = w["first_row"]
        lps = next_token_logprobs(m, w["ids"])[first:first + w["row_count"]]
        targets = w["ids"][first + 1:first + 1 + w["row_count"]]
        kept = [lp for lp, t in zip(lps, targets) if t != bos]
        nll -= sum(max(lp, floor) for lp in kept)
        count += len(kept)
    concept = []
    for p in spec["concept_probes"]:
        lps = next_token_logprobs(m, p["ids"])[p["start"] - 1:]
        concept.append(sum(max(lp, floor) for lp in lps) / len(lps))
    correct = correct_norm = 0
    for q in spec["multiple_choice"]:
        sums, norms = [], []
        for c in q["choices"]:
            s = sum(max(lp, floor) for lp in next_token_logprobs(m, c["ids"])[c["start"] - 1:])
            sums.append(s)
            norms.append(s / c["bytes"])
        k = q["answer"]
        correct += all(sums[k] > v for j, v in enumerate(sums) if j != k)
        correct_norm += all(norms[k] > v for j, v in enumerate(norms) if j != k)
    seconds = time.perf_counter() - t0
    n = len(spec["multiple_choice"])
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
        "perplexity": math.exp(nll / count), "scored_tokens": count,
        "concept_logprob": sum(concept) / len(concept),
        "mc_accuracy": correct / n, "mc_accuracy_norm": correct_norm / n,
    }))


if __name__ == "__main__":
    main()
