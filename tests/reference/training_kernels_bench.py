"""PyTorch side of `dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare training-kernels`.

Times forward + backward (autograd) of the transformer's non-GEMM training ops at Llama-3.2-1B shapes
(batch 4 x 256 tokens, hidden 2048, 32 query / 8 kv heads of 64, intermediate 8192, vocabulary 128256), written as
Hugging Face's eager Llama code writes them. Prints one JSON object {op: best seconds} on stdout.

Run: /usr/bin/python3 tests/reference/training_kernels_bench.py --threads 2 --repeat 5
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

B, T, C, H, HKV, D, FF, V = 4, 256, 2048, 32, 8, 64, 8192, 128256


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def best(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    result = {}

    # Leaf inputs are made once; each timed call runs forward + backward and drops the gradients it made.
    x = torch.randn(B * T, C, generator=g)
    w = torch.ones(C)
    xi = x.clone().requires_grad_(True)
    wi = w.clone().requires_grad_(True)

    def rmsnorm():
        xi.grad = wi.grad = None
        variance = xi.pow(2).mean(-1, keepdim=True)
        y = wi * (xi * torch.rsqrt(variance + 1e-5))
        y.backward(x)
    result["rmsnorm"] = best(rmsnorm, args.repeat)

    gate = torch.randn(B * T, FF, generator=g)
    up = torch.randn(B * T, FF, generator=g)

    gi = gate.clone().requires_grad_(True)
    ui = up.clone().requires_grad_(True)

    def swiglu():
        gi.grad = ui.grad = None
        y = F.silu(gi) * ui
        y.backward(gate)
    result["swiglu"] = best(swiglu, args.repeat)

    q = torch.randn(B, H, T, D, generator=g)
    k = torch.randn(B, HKV, T, D, generator=g)
    v = torch.randn(B, HKV, T, D, generator=g)
    angles = torch.arange(T).float()[:, None] * (1.0 / (500000 ** (torch.arange(0, D, 2).float() / D)))[None, :]
    cos = torch.cat((angles.cos(), angles.cos()), -1)
    sin = torch.cat((angles.sin(), angles.sin()), -1)

    qi = q.clone().requires_grad_(True)
    ki = k.clone().requires_grad_(True)
    vi = v.clone().requires_grad_(True)

    def rope():
        qi.grad = ki.grad = None
        qe = qi * cos + rotate_half(qi) * sin
        ke = ki * cos + rotate_half(ki) * sin
        torch.autograd.backward([qe, ke], [q, k])
    result["rope"] = best(rope, args.repeat)

    causal = torch.full((T, T), float("-inf")).triu(1)

    def attention():
        qi.grad = ki.grad = vi.grad = None
        kr = ki.repeat_interleave(H // HKV, dim=1)
        vr = vi.repeat_interleave(H // HKV, dim=1)
        scores = torch.matmul(qi, kr.transpose(2, 3)) / (D ** 0.5) + causal
        p = torch.softmax(scores, dim=-1, dtype=torch.float32)
        o = torch.matmul(p, vr)
        o.backward(q)
    result["attention"] = best(attention, args.repeat)

    logits = torch.randn(B * T, V, generator=g)
    labels = torch.randint(0, V, (B * T,), generator=g)
    labels[::3] = -100

    li = logits.requires_grad_(True)

    def cross_entropy():
        li.grad = None
        loss = F.cross_entropy(li, labels, ignore_index=-100)
        loss.backward()
    result["cross_entropy"] = best(cross_entropy, args.repeat)

    print(json.dumps(result))


if __name__ == "__main__":
    main()
