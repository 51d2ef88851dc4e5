#!/usr/bin/python3
"""Makes the numpy / torch reference fixtures in tests/Unlearn.Models.Tests/Data/npy/.

Run from the repository root with /usr/bin/python3 (numpy + torch installed); the product and its
tests never run Python, they read the committed outputs.

  /usr/bin/python3 tests/reference/make_npy_fixtures.py             # numpy-written .npy/.npz + torch goldens
  /usr/bin/python3 tests/reference/make_npy_fixtures.py --readback  # numpy loads ours_*.npz, records what it saw

Every array's values follow a formula of the C-order element index i (VALUES below); the C# tests
compute the same formula, so no expected number is copied by hand.
"""
import json
import os
import struct
import sys
import zipfile

import numpy as np

OUT = os.path.join("tests", "Unlearn.Models.Tests", "Data", "npy")
GOLDEN = os.path.join("tests", "Unlearn.Models.Tests", "Data", "golden")

# name -> (dtype, shape, formula of the C-order index i). Mirrored in NumpyFixtures.cs.
VALUES = {
    "weights": ("<f4", (2, 3), lambda i: i * 0.25 - 3),
    "concept/attn.out": ("<f8", (5,), lambda i: i / 7.0),
    "ids": ("<i8", (4,), lambda i: i * 10**12 - 5),
    "mask": ("|b1", (7,), lambda i: i % 3 == 0),
    "half": ("<f2", (4, 2), lambda i: (i - 10) * 0.5),
    "bytes": ("|u1", (10,), lambda i: (i * 37) % 256),
    "counts": ("<i4", (3, 2, 2), lambda i: i * 1000 - 7),
    "scalar": ("<f4", (), lambda i: i * 0.25 - 3),
    "empty": ("<f4", (0, 3), lambda i: 0),
}


def make(name):
    dtype, shape, formula = VALUES[name]
    count = int(np.prod(shape)) if shape else 1
    return np.array([formula(i) for i in range(count)], dtype=dtype).reshape(shape)


def file_name(name):
    return name.replace("/", "_") + ".npy"


def write_numpy_fixtures():
    os.makedirs(OUT, exist_ok=True)
    arrays = {name: make(name) for name in VALUES}
    # Version 1.0 files exactly as np.save writes them.
    for name, array in arrays.items():
        np.save(os.path.join(OUT, "v1_" + file_name(name)), array)
    # Explicit 2.0 and 3.0 headers.
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(OUT, "v%d_weights.npy" % version[0]), "wb") as f:
            np.lib.format.write_array(f, arrays["weights"], version=version)
    # Big-endian data (numpy keeps the byte order it is given).
    np.save(os.path.join(OUT, "bigendian_weights.npy"), arrays["weights"].astype(">f4"))
    np.save(os.path.join(OUT, "bigendian_ids.npy"), arrays["ids"].astype(">i8"))
    # Fortran order: same logical values as the C-order 3-d array "counts", stored column-major.
    np.save(os.path.join(OUT, "fortran_counts.npy"), np.asfortranarray(arrays["counts"]))
    # What we refuse: a pickled object array and a structured dtype.
    np.save(os.path.join(OUT, "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.save(os.path.join(OUT, "structured.npy"), np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
    # Archives: stored (savez) and deflated (savez_compressed).
    np.savez(os.path.join(OUT, "numpy_savez.npz"), **arrays)
    np.savez_compressed(os.path.join(OUT, "numpy_savez_compressed.npz"), **arrays)


def read_safetensors(path, name):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    info = json.loads(data[8:8 + n])[name]
    begin, end = info["data_offsets"]
    return info["dtype"], info["shape"], data[8 + n + begin:8 + n + end]


def write_torch_goldens():
    import torch

    out = {}
    # Widening of real BF16 / F16 weights as torch does it (first 4 rows).
    for model, name, torch_dtype in [("llama3-mini", "model.embed_tokens.weight", torch.bfloat16),
                                     ("llama2-mini", "lm_head.weight", torch.float16)]:
        dtype, shape, raw = read_safetensors(os.path.join(GOLDEN, model, "model.safetensors"), name)
        bits = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch_dtype).reshape(shape)
        out["widened/%s/%s" % (model, name)] = bits[:4].float().numpy()
    # Rounding float32 -> bf16 / f16 as torch does it: random values plus exact ties and overflow.
    rng = np.random.default_rng(20251122)
    values = np.concatenate([
        rng.standard_normal(200).astype(np.float32) * np.float32(3.0),
        np.array([1 + 2**-8, 1 + 3 * 2**-8, -(1 + 2**-8), 1 + 2**-11, 1 + 3 * 2**-11,
                  70000.0, -1e-8, 6e-8, 3.4e38, 0.0, -0.0], dtype=np.float32),
    ]).astype(np.float32)
    tensor = torch.from_numpy(values)
    out["rounding/input"] = values
    out["rounding/bf16"] = tensor.to(torch.bfloat16).float().numpy()
    out["rounding/f16"] = tensor.to(torch.float16).float().numpy()
    np.savez(os.path.join(OUT, "torch_goldens.npz"), **out)


def readback():
    record = {"numpy_version": np.__version__, "files": {}}
    for archive in ["ours_stored.npz", "ours_compressed.npz"]:
        path = os.path.join(OUT, archive)
        with zipfile.ZipFile(path) as z:
            methods = sorted({info.compress_type for info in z.infolist()})
        with np.load(path, allow_pickle=False) as npz:
            arrays = {}
            for name in npz.files:
                array = npz[name]
                arrays[name] = {"dtype": array.dtype.str, "shape": list(array.shape),
                                "values": [v.item() for v in array.reshape(-1)]}
        record["files"][archive] = {"zip_methods": methods, "arrays": arrays}
    with open(os.path.join(OUT, "numpy_readback.json"), "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--readback"]:
        readback()
    else:
        write_numpy_fixtures()
        write_torch_goldens()
