"""Golden for SaeDirection (edits.direction.source sae, tests/Unlearn.Methods.Tests/Sae/SaeDirectionTests.cs): the
direction of direction removal from an SAE's decoder rows, u = s / |s| with s = sum over the selected latents f of
W_dec[f] / |W_dec[f]|, computed here in float64 with numpy from the raw W_dec of a committed SAELens fixture
(tests/Unlearn.Methods.Tests/Data/sae/discovery/sae, written by sae_discovery_reference.py). The safetensors file is
read with a minimal parser (8-byte little-endian header length, JSON header, raw little-endian data): the safetensors
package is not installed here.
Writes tests/Unlearn.Methods.Tests/Data/sae/direction-expected.json: for each case its latents, row scales and u.
Run: /usr/bin/python3 tests/reference/sae_direction_reference.py
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "Unlearn.Methods.Tests", "Data", "sae")
# Each case: the latents, and factors its decoder rows are scaled by first (the fixture's rows are unit; a pretrained
# SAE's need not be, and u must not depend on the rows' norms). The test scales the same rows of the loaded SAE.
CASES = [([5, 17, 40, 2], [1.0, 1.0, 1.0, 1.0]), ([11], [1.0]), ([47, 0], [1.0, 1.0]), ([5, 17, 40, 2], [3.0, 0.25, 1.0, 7.5])]


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info["dtype"]
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"]).astype(np.float64)
    return tensors


def main():
    w_dec = read_safetensors(os.path.join(DATA, "discovery", "sae", "sae_weights.safetensors"))["W_dec"]  # [d_sae, d_in]
    cases = []
    for latents, scales in CASES:
        rows = w_dec[latents] * np.asarray(scales, dtype=np.float32).astype(np.float64)[:, None]
        s = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).sum(axis=0)
        u = s / np.linalg.norm(s)
        cases.append({"latents": latents, "scales": scales, "u": [float(v) for v in u]})
    norms = np.linalg.norm(w_dec, axis=1)
    with open(os.path.join(DATA, "direction-expected.json"), "w") as f:
        json.dump({"sae": "discovery/sae", "decoder_norms_min_max": [float(norms.min()), float(norms.max())], "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
