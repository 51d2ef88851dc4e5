"""PyTorch goldens for Unlearn's TopK SAE training step (tests/Unlearn.Methods.Tests/Sae/SaeGoldenTests.cs).

The definition tested (docs/sae.md, METHODS.md "SAE"):
    pre  = (x - b_dec) @ W_enc + b_enc                   W_enc [d_in, d_sae] (SAELens layout)
    z    = scatter(topk(pre, k).indices, relu(values))
    xhat = z @ W_dec + b_dec                             W_dec [d_sae, d_in], unit-norm rows
    e    = x - xhat
    aux: among the dead latents, z_aux = scatter(topk(pre masked to dead, a).indices, relu(values)),
         a = min(k_aux, #dead), s = min(#dead / k_aux, 1), ehat = z_aux @ W_dec (no bias)
    loss = mean((xhat - x)^2) + alpha * s * mean((ehat - e.detach())^2)
then backward (autograd through torch.topk's values), the decoder-gradient projection
    grad_W_dec -= (grad_W_dec . W_dec rows) W_dec rows,
global-norm clipping (torch.nn.utils.clip_grad_norm_), one torch.optim.Adam step, and W_dec rows re-normalised
(torch.nn.functional.normalize). Two cases: more dead latents than k_aux (s = 1) and fewer (s < 1, a = #dead).

Writes tests/Unlearn.Methods.Tests/Data/sae/golden-<case>.npz (arrays, no pickle) and golden.json (scalars).
Run: /usr/bin/python3 tests/reference/sae_reference.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Unlearn.Methods.Tests", "Data", "sae")

D_IN, D_SAE, K, K_AUX, BATCH = 16, 48, 4, 8, 24
ALPHA = 0.5          # large, so the AuxK gradients are not lost in the MSE ones
LR = 1e-2
CASES = {"many-dead": 13, "few-dead": 5}


def make_inputs(rng, dead_count):
    w_dec = rng.standard_normal((D_SAE, D_IN)).astype(np.float32)
    w_dec /= np.linalg.norm(w_dec, axis=1, keepdims=True)
    w_enc = (rng.standard_normal((D_IN, D_SAE)) * 0.5).astype(np.float32)
    b_enc = (rng.standard_normal(D_SAE) * 0.1).astype(np.float32)
    b_dec = (rng.standard_normal(D_IN) * 0.3).astype(np.float32)
    x = (rng.standard_normal((BATCH, D_IN)) * 1.5 + 0.2).astype(np.float32)
    dead = np.sort(rng.choice(D_SAE, size=dead_count, replace=False)).astype(np.int32)
    return dict(W_enc=w_enc, b_enc=b_enc, W_dec=w_dec, b_dec=b_dec, x=x, dead=dead)


def forward(p, x, dead):
    pre = (x - p["b_dec"]) @ p["W_enc"] + p["b_enc"]
    top = pre.topk(K, dim=-1)
    z = torch.zeros_like(pre).scatter(-1, top.indices, F.relu(top.values))
    xhat = z @ p["W_dec"] + p["b_dec"]
    e = x - xhat
    mse = ((xhat - x) ** 2).mean()
    a = min(K_AUX, len(dead))
    scale = min(len(dead) / K_AUX, 1.0)
    mask = torch.zeros(D_SAE, dtype=torch.bool)
    mask[torch.as_tensor(dead, dtype=torch.long)] = True
    masked = torch.where(mask[None], pre, torch.tensor(float("-inf")))
    aux_top = masked.topk(a, dim=-1)
    z_aux = torch.zeros_like(pre).scatter(-1, aux_top.indices, F.relu(aux_top.values))
    ehat = z_aux @ p["W_dec"]
    aux = ((ehat - e.detach()) ** 2).mean()
    loss = mse + ALPHA * scale * aux
    return dict(pre=pre, top_indices=top.indices, z=z, xhat=xhat, mse=mse, aux=aux, loss=loss, scale=scale, a=a,
                aux_indices=aux_top.indices)


def main():
    torch.set_num_threads(1)
    scalars = {"d_in": D_IN, "d_sae": D_SAE, "k": K, "k_aux": K_AUX, "batch": BATCH, "alpha": ALPHA, "lr": LR,
               "torch": torch.__version__, "cases": {}}
    os.makedirs(OUT, exist_ok=True)
    for case_index, (case, dead_count) in enumerate(CASES.items()):
        rng = np.random.default_rng(1234 + case_index)
        inputs = make_inputs(rng, dead_count)
        p = {name: torch.tensor(inputs[name], requires_grad=True) for name in ["W_enc", "b_enc", "W_dec", "b_dec"]}
        x = torch.tensor(inputs["x"])
        out = forward(p, x, inputs["dead"])
        out["loss"].backward()
        with torch.no_grad():
            parallel = (p["W_dec"].grad * p["W_dec"]).sum(dim=1, keepdim=True)
            p["W_dec"].grad -= parallel * p["W_dec"]
        grads = {name: p[name].grad.detach().clone() for name in p}
        total_norm = float(torch.sqrt(sum((g.double() ** 2).sum() for g in grads.values())))
        max_norm = 0.5 * total_norm   # so that clipping acts
        torch.nn.utils.clip_grad_norm_(list(p.values()), max_norm)
        optimizer = torch.optim.Adam(list(p.values()), lr=LR, betas=(0.9, 0.999), eps=1e-8)
        optimizer.step()
        with torch.no_grad():
            p["W_dec"].copy_(F.normalize(p["W_dec"], dim=1))

        arrays = {f"in_{k}": np.asarray(v) for k, v in inputs.items()}
        arrays.update({
            "pre": out["pre"].detach().numpy(),
            "top_indices": out["top_indices"].numpy().astype(np.int32),
            "z": out["z"].detach().numpy(),
            "xhat": out["xhat"].detach().numpy(),
            "aux_indices": out["aux_indices"].numpy().astype(np.int32),
        })
        arrays.update({f"grad_{k}": v.numpy() for k, v in grads.items()})
        arrays.update({f"after_{k}": v.detach().numpy() for k, v in p.items()})
        np.savez(os.path.join(OUT, f"golden-{case}.npz"), **arrays)
        scalars["cases"][case] = {
            "dead": int(dead_count), "k_aux_effective": out["a"], "aux_scale": out["scale"],
            "loss": float(out["loss"]), "mse": float(out["mse"]), "aux_mse": float(out["aux"]),
            "grad_norm": total_norm, "max_grad_norm": max_norm,
        }
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(scalars, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
