"""PyTorch reference values for Unlearn's optimisers (tests/Unlearn.Numerics.Tests/Optimization).

Runs torch.optim.AdamW, torch.optim.SGD and torch.nn.utils.clip_grad_norm_ on small parameters whose values and
gradients are exact binary fractions given by integer formulas, so the C# tests rebuild the same inputs bit for bit.
Writes tests/Unlearn.Numerics.Tests/Data/optimizers/torch_reference.json.

Run: /usr/bin/python3 tests/reference/optimizer_reference.py
"""
import json
import os
import struct

import torch

SHAPES = {"w": [3, 4], "b": [5]}
LEARNING_RATES = [1e-3, 2e-3, 3e-3, 2.5e-3, 1e-3, 5e-4]


def initial(name, n):
    k = 0 if name == "w" else 1
    return [(((i * 37 + k * 11) % 101) - 50) / 64.0 for i in range(n)]


def gradient(name, n, step):
    k = 0 if name == "w" else 1
    return [(((i * 13 + step * 29 + k * 7) % 97) - 48) / 128.0 for i in range(n)]


def make_parameters():
    params = {}
    for name, shape in SHAPES.items():
        n = 1
        for d in shape:
            n *= d
        params[name] = torch.tensor(initial(name, n), dtype=torch.float32).reshape(shape).requires_grad_(True)
    return params


def set_gradients(params, step):
    for name, p in params.items():
        p.grad = torch.tensor(gradient(name, p.numel(), step), dtype=torch.float32).reshape(p.shape)


def bits(t):
    return [struct.unpack("<I", struct.pack("<f", v))[0] for v in t.detach().reshape(-1).tolist()]


def run(make_optimizer):
    params = make_parameters()
    optimizer = make_optimizer(params)
    history = []
    for step, lr in enumerate(LEARNING_RATES):
        for group in optimizer.param_groups:
            group["lr"] = lr
        set_gradients(params, step)
        optimizer.step()
        history.append({name: bits(p) for name, p in params.items()})
    return history


def main():
    torch.set_num_threads(1)
    result = {"torch_version": torch.__version__, "learning_rates": LEARNING_RATES, "shapes": SHAPES}

    # AdamW: "w" decays (0.01), "b" does not (weight_decay 0), betas and eps non-default to exercise them.
    result["adamw"] = run(lambda p: torch.optim.AdamW(
        [{"params": [p["w"]], "weight_decay": 0.01}, {"params": [p["b"]], "weight_decay": 0.0}],
        lr=1e-3, betas=(0.85, 0.995), eps=1e-6))
    result["sgd_momentum"] = run(lambda p: torch.optim.SGD(
        [p["w"], p["b"]], lr=1e-3, momentum=0.9, dampening=0.1, weight_decay=0.05))
    result["sgd_nesterov"] = run(lambda p: torch.optim.SGD(
        [p["w"], p["b"]], lr=1e-3, momentum=0.8, nesterov=True))

    # clip_grad_norm_ on the step-0 gradients scaled up so that clipping happens.
    params = make_parameters()
    set_gradients(params, 0)
    for p in params.values():
        p.grad.mul_(4.0)
    norm = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm=1.5)
    result["clip"] = {"scale": 4.0, "max_norm": 1.5, "norm": float(norm),
                      "gradients": {name: bits(p.grad) for name, p in params.items()}}

    out = os.path.join(os.path.dirname(__file__), "..", "Unlearn.Numerics.Tests", "Data", "optimizers", "torch_reference.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
