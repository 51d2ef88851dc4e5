#!/usr/bin/env python3
"""Reference data for the export tests (tests/Unlearn.Models.Tests/Export), made with PyTorch and llama.cpp's own
gguf-py; never used by the product or at test time.

Three cases, each a base model plus edits: llama3-mini (tied, BF16, llama3 RoPE scaling; an output-row edit beyond the
zeroed embedding rows forces an untie; LoRA merged then masks re-applied, keep_masks true), qwen2-mini (untied, q/k/v
biases; masks then LoRA, keep_masks false), stories260K (tied, real tokenizer; masks and vocabulary only).

  python3 export_reference.py inputs
      writes the edit files of each case under tests/Unlearn.Models.Tests/Data/export/<case>/ (masks.safetensors,
      vocab-edits.json, adapter/ in PEFT layout), seeded.
  python3 export_reference.py golden --exported DIR --gguf-py LLAMA_CPP/gguf-py
      bakes every case in PyTorch, independently of the C# code (rows zeroed, LoRA W + s·B·A, embedding rows zeroed,
      the -inf logit mask in its zero-row form: the output row zeroed, a tied matrix untied when output rows beyond the
      zeroed embedding rows are zeroed), and writes export-golden.safetensors (logits of each baked model on fixed ids)
      and export-golden.json. It also checks the project's own exports in DIR (made with `unlearn export`, see
      tests/Unlearn.Models.Tests/Data/export/PROVENANCE.md): the Hugging Face folder DIR/<case>-hf loads in the plain
      PyTorch Llama of torch_llama.py to the same logits, and each DIR/<case>-gguf-<dtype>/model-<dtype>.gguf, read with
      gguf-py's GGUFReader, holds exactly the bytes gguf-py's own quantization gives for the exported weights under
      llama.cpp's names and its converter's Q/K permutation; the SHA-256 of those expected bytes go into the golden.
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_llama  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "Unlearn.Models.Tests", "Data")
OUT = os.path.join(DATA, "export")
CASES = {
    "llama3-mini": dict(base=os.path.join(DATA, "golden", "llama3-mini"), arch="llama", keep_masks=True,
                        rows={"model.layers.0.self_attn.o_proj.weight": [3, 17, 40], "model.layers.1.self_attn.q_proj.weight": [1, 7, 30],
                              "model.layers.2.mlp.down_proj.weight": [5, 63]},
                        masked=[10, 20, 30, 700], zeroed_embedding=[10, 20], zeroed_logits=[],
                        lora=dict(rank=4, alpha=8.0, targets=["q_proj", "v_proj", "o_proj", "down_proj"])),
    "qwen2-mini": dict(base=os.path.join(DATA, "golden", "qwen2-mini"), arch="qwen2", keep_masks=False,
                       rows={"model.layers.0.self_attn.q_proj.weight": [0, 33], "model.layers.1.self_attn.k_proj.weight": [2],
                             "model.layers.1.mlp.down_proj.weight": [10]},
                       masked=[5, 6, 1100], zeroed_embedding=[5], zeroed_logits=[7],
                       lora=dict(rank=2, alpha=4.0, targets=["k_proj", "up_proj"])),
    "stories260K": dict(base=os.path.join(ROOT, "models", "stories260K"), arch="llama", keep_masks=True,
                        rows={"model.layers.3.self_attn.o_proj.weight": [2, 9], "model.layers.4.mlp.down_proj.weight": [11]},
                        masked=[337, 400], zeroed_embedding=[337, 400], zeroed_logits=[], lora=None),
}
GGUF_DTYPES = ["f32", "f16", "bf16", "q8_0"]


def write_safetensors(path, tensors, metadata):
    """Minimal safetensors writer (sorted names, packed, header padded to 8 bytes with spaces)."""
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        array = tensors[name]
        dtype = {np.dtype(np.uint8): "U8", np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[array.dtype]
        data = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def make_inputs():
    for name, case in CASES.items():
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        config = json.load(open(os.path.join(case["base"], "config.json")))
        weights = torch_llama.read_hf_weights(case["base"])
        masks = {}
        for weight, rows in case["rows"].items():
            keep = np.ones(weights[weight].shape[0], dtype=np.uint8)
            keep[rows] = 0
            masks[weight] = keep
        write_safetensors(os.path.join(folder, "masks.safetensors"), masks, {"format": "unlearn-row-masks", "version": "1"})
        vocab = {"format": "unlearn-vocab-edits", "version": 1, "vocab_size": config["vocab_size"],
                 "masked_logits": case["masked"], "zeroed_embedding_rows": case["zeroed_embedding"], "zeroed_logits": case["zeroed_logits"]}
        with open(os.path.join(folder, "vocab-edits.json"), "w") as f:
            json.dump(vocab, f, indent=2)
            f.write("\n")
        lora = case["lora"]
        if lora is None:
            continue
        os.makedirs(os.path.join(folder, "adapter"), exist_ok=True)
        rng = np.random.default_rng(20261207)
        tensors = {}
        for layer in range(config["num_hidden_layers"]):
            for target in lora["targets"]:
                module = f"model.layers.{layer}.{'mlp' if target in ('gate_proj', 'up_proj', 'down_proj') else 'self_attn'}.{target}"
                out_features, in_features = weights[module + ".weight"].shape
                tensors[f"base_model.model.{module}.lora_A.weight"] = (rng.standard_normal((lora["rank"], in_features)) * 0.1).astype(np.float32)
                tensors[f"base_model.model.{module}.lora_B.weight"] = (rng.standard_normal((out_features, lora["rank"])) * 0.1).astype(np.float32)
        write_safetensors(os.path.join(folder, "adapter", "adapter_model.safetensors"), tensors, {"format": "pt"})
        peft = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": name, "r": lora["rank"],
                "lora_alpha": lora["alpha"], "lora_dropout": 0.0, "target_modules": lora["targets"], "bias": "none",
                "fan_in_fan_out": False, "use_rslora": False, "use_dora": False}
        with open(os.path.join(folder, "adapter", "adapter_config.json"), "w") as f:
            json.dump(peft, f, indent=2)
            f.write("\n")
        print(f"wrote inputs of {name}")


def bake(name, case):
    """The case's base model with its edits applied, in PyTorch: (shape, {hf name: tensor})."""
    config = json.load(open(os.path.join(case["base"], "config.json")))
    s = torch_llama.hf_shape(config)
    w = {k: v.clone() for k, v in torch_llama.read_hf_weights(case["base"]).items()}
    folder = os.path.join(OUT, name)

    def zero_rows():
        for weight, rows in case["rows"].items():
            w[weight][rows] = 0
            bias = weight[: -len("weight")] + "bias"
            if bias in w:
                w[bias][rows] = 0

    def merge():
        lora = case["lora"]
        if lora is None:
            return
        adapter = torch_llama.read_safetensors(os.path.join(folder, "adapter", "adapter_model.safetensors"))
        scale = lora["alpha"] / lora["rank"]
        for key in adapter:
            if key.endswith("lora_A.weight"):
                module = key[len("base_model.model."): -len(".lora_A.weight")]
                b = adapter[key.replace("lora_A", "lora_B")]
                w[module + ".weight"] += scale * (b.double() @ adapter[key].double()).float()

    # keep_masks: the adapter is merged and the masked rows zeroed again; otherwise it writes on top of them.
    if case["keep_masks"]:
        merge()
        zero_rows()
    else:
        zero_rows()
        merge()
    embedding = w["model.embed_tokens.weight"]
    head_rows = sorted(set(case["masked"]) | set(case["zeroed_logits"]))
    if s["tied"]:
        head_rows = sorted(set(head_rows) | set(case["zeroed_embedding"]))
        if not set(head_rows) <= set(case["zeroed_embedding"]):
            w["lm_head.weight"] = embedding.clone()
            s["tied"] = False
    embedding[case["zeroed_embedding"]] = 0
    if not s["tied"]:
        w["lm_head.weight"][head_rows] = 0
    return s, w


def input_ids(vocab):
    g = torch.Generator().manual_seed(7)
    return torch.randint(0, vocab, (2, 12), generator=g)


# --- GGUF: what llama.cpp's converter would write for the baked weights -------------------------------------------------

def permute(weights, n_head):
    """Hugging Face rotate_half rows -> Meta's interleaved pairs, per head (the converter's permutation)."""
    return weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)


def rope_factors(s):
    factor, low, high, old = s["llama3"]
    dim = s["head_dim"]
    freqs = 1.0 / (s["theta"] ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    out = []
    for f in freqs:
        wavelength = 2 * math.pi / f
        if wavelength < old / high:
            out.append(1.0)
        elif wavelength > old / low:
            out.append(factor)
        else:
            smooth = (old / wavelength - low) / (high - low)
            out.append(float(1 / ((1 - smooth) / factor + smooth)))
    return np.array(out, dtype=np.float32)


def expected_gguf_tensors(s, w, arch):
    names = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
             "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}
    out = {"token_embd.weight": w["model.embed_tokens.weight"], "output_norm.weight": w["model.norm.weight"]}
    if not s["tied"]:
        out["output.weight"] = w["lm_head.weight"]
    for i in range(s["layers"]):
        p = f"model.layers.{i}."
        out[f"blk.{i}.attn_norm.weight"] = w[p + "input_layernorm.weight"]
        out[f"blk.{i}.ffn_norm.weight"] = w[p + "post_attention_layernorm.weight"]
        for _, hf in torch_llama.HF_PROJECTIONS:
            leaf = hf.split(".")[1]
            for part in ("weight", "bias"):
                key = f"{p}{hf}.{part}"
                if key not in w:
                    continue
                t = w[key]
                if arch == "llama" and leaf in ("q_proj", "k_proj"):
                    t = permute(t, s["heads"] if leaf == "q_proj" else s["kv"])
                out[f"blk.{i}.{names[leaf]}.{part}"] = t
    result = {k: v.numpy().astype(np.float32) for k, v in out.items()}
    if s["llama3"] is not None:
        result["rope_freqs.weight"] = rope_factors(s)
    return result


def check_gguf(path, expected, dtype, gguf):
    """Compares every tensor of our GGUF (read by gguf-py) with gguf-py's own encoding of the expected values."""
    qtypes = {"f32": gguf.GGMLQuantizationType.F32, "f16": gguf.GGMLQuantizationType.F16,
              "bf16": gguf.GGMLQuantizationType.BF16, "q8_0": gguf.GGMLQuantizationType.Q8_0}
    reader = gguf.GGUFReader(path)
    found = {t.name: t for t in reader.tensors}
    if sorted(found) != sorted(expected):
        raise SystemExit(f"{path}: tensors {sorted(set(found) ^ set(expected))} differ from the expected set")
    hashes = {}
    for name, values in expected.items():
        # The converter keeps 1-D tensors (norms, biases, rope_freqs) in F32, and falls back to F16 for Q8_0 rows
        # that are not whole 32-value blocks.
        qtype = qtypes[dtype] if values.ndim == 2 else gguf.GGMLQuantizationType.F32
        if qtype == gguf.GGMLQuantizationType.Q8_0 and values.shape[-1] % 32 != 0:
            qtype = gguf.GGMLQuantizationType.F16
        data = gguf.quants.quantize(values, qtype) if qtype != gguf.GGMLQuantizationType.F32 else values
        want = np.ascontiguousarray(data).tobytes()
        tensor = found[name]
        got = np.ascontiguousarray(tensor.data).tobytes()
        if tensor.tensor_type != qtype or got != want:
            raise SystemExit(f"{path}: tensor {name} is {tensor.tensor_type.name} and {'equal' if got == want else 'differs'}; expected {qtype.name}")
        if list(tensor.shape) != list(reversed(values.shape)):
            raise SystemExit(f"{path}: tensor {name} has ggml shape {list(tensor.shape)}, expected {list(reversed(values.shape))}")
        hashes[name] = hashlib.sha256(want).hexdigest()
    return reader, hashes


def golden(exported, gguf_py):
    sys.path.insert(0, gguf_py)
    import gguf  # llama.cpp's gguf-py, from the path given
    logits, report = {}, {"reference": "PyTorch baking of the edits (this script) and llama.cpp's gguf-py", "cases": {}}
    for name, case in CASES.items():
        s, w = bake(name, case)
        ids = input_ids(s["vocab"])
        with torch.no_grad():
            reference = torch_llama.model_from_weights(s, w)(ids)
        logits[f"{name}.input_ids"] = ids.numpy().astype(np.int64)
        logits[f"{name}.logits"] = reference.numpy().astype(np.float32)
        entry = {"tied_after_bake": s["tied"]}
        folder = os.path.join(exported, f"{name}-hf")
        with torch.no_grad():
            theirs = torch_llama.load_hf_folder(folder)(ids)
        entry["hf_export_max_abs_diff"] = float((theirs - reference).abs().max())
        if entry["hf_export_max_abs_diff"] > 1e-4:
            raise SystemExit(f"{folder}: PyTorch reads it to logits {entry['hf_export_max_abs_diff']} away from the reference bake")
        entry["gguf"] = {}
        # The GGUF must hold the exported weights (whose baking the logits above check) in llama.cpp's layout and
        # encoding, byte for byte: the LoRA merge's last-bit rounding is the exporter's, not the layout's concern.
        exported_shape = torch_llama.hf_shape(json.load(open(os.path.join(folder, "config.json"))))
        expected = expected_gguf_tensors(exported_shape, torch_llama.read_hf_weights(folder), case["arch"])
        for dtype in GGUF_DTYPES:
            path = os.path.join(exported, f"{name}-gguf-{dtype}", f"model-{dtype}.gguf")
            reader, hashes = check_gguf(path, expected, dtype, gguf)
            arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()
            if arch != case["arch"]:
                raise SystemExit(f"{path}: architecture {arch}, expected {case['arch']}")
            entry["gguf"][dtype] = hashes
        report["cases"][name] = entry
        print(f"{name}: hf max |diff| {entry['hf_export_max_abs_diff']:.2e}, gguf {', '.join(GGUF_DTYPES)} byte-identical to gguf-py")
    write_safetensors(os.path.join(OUT, "export-golden.safetensors"), logits, {"format": "pt"})
    with open(os.path.join(OUT, "export-golden.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["inputs", "golden"])
    ap.add_argument("--exported")
    ap.add_argument("--gguf-py")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.mode == "inputs":
        make_inputs()
    else:
        if not a.exported or not a.gguf_py:
            raise SystemExit("golden needs --exported DIR and --gguf-py LLAMA_CPP/gguf-py")
        golden(a.exported, a.gguf_py)


if __name__ == "__main__":
    main()
