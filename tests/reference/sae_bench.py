"""PyTorch side of `dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare sae`.

One TopK SAE training step written the way SAELens (TopKTrainingSAE) and most reference code write it, dense:
pre = (x - b_dec) @ W_enc + b_enc, z = scatter(topk(pre).indices, relu(values)) into a dense [batch, d_sae] matrix,
xhat = z @ W_dec + b_dec; with dead latents, the AuxK term from topk(pre masked to the dead, k_aux) the same way;
loss = mse + alpha * scale * aux_mse; backward (autograd); the decoder-gradient projection; clip_grad_norm_;
torch.optim.Adam; W_dec rows re-normalised. Same definition as Unlearn's (docs/sae.md). Random inputs; median step
time of --repeats after one warm-up. Prints one JSON object: seconds, tokens_per_s, peak_rss_bytes, torch, threads.

Run: /usr/bin/python3 tests/reference/sae_bench.py --threads 2 --d-in 2048 --d-sae 16384 --k 32 --batch 4096
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--d-in", type=int, default=2048)
    parser.add_argument("--d-sae", type=int, default=16384)
    parser.add_argument("--k", type=int, default=32)
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dead-fraction", type=float, default=0.0)
    parser.add_argument("--k-aux", type=int, default=1024)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(0)
    d, n, k, b = args.d_in, args.d_sae, args.k, args.batch
    w_dec = torch.randn(n, d, generator=g)
    w_dec = F.normalize(w_dec, dim=1)
    params = {"W_enc": w_dec.t().clone(), "b_enc": torch.zeros(n), "W_dec": w_dec, "b_dec": torch.zeros(d)}
    for p in params.values():
        p.requires_grad_(True)
    optimizer = torch.optim.Adam(list(params.values()), lr=1e-4)
    dead = torch.zeros(n, dtype=torch.bool)
    if args.dead_fraction > 0:
        dead[::max(1, round(1 / args.dead_fraction))] = True   # every m-th latent, as the C# side marks them
    num_dead = int(dead.sum())
    batches = [torch.randn(b, d, generator=g) for _ in range(args.repeats + 1)]

    def step(x):
        optimizer.zero_grad(set_to_none=False)
        pre = (x - params["b_dec"]) @ params["W_enc"] + params["b_enc"]
        top = pre.topk(k, dim=-1, sorted=False)
        z = torch.zeros_like(pre).scatter(-1, top.indices, F.relu(top.values))
        xhat = z @ params["W_dec"] + params["b_dec"]
        e = x - xhat
        loss = (e ** 2).mean()
        if num_dead > 0:
            a = min(args.k_aux, num_dead)
            scale = min(num_dead / args.k_aux, 1.0)
            masked = torch.where(dead[None], pre, torch.tensor(float("-inf")))
            aux_top = masked.topk(a, dim=-1, sorted=False)
            z_aux = torch.zeros_like(pre).scatter(-1, aux_top.indices, F.relu(aux_top.values))
            ehat = z_aux @ params["W_dec"]
            loss = loss + (1 / 32) * scale * ((ehat - e.detach()) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            grad = params["W_dec"].grad
            grad -= (grad * params["W_dec"]).sum(dim=1, keepdim=True) * params["W_dec"]
        torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)
        optimizer.step()
        with torch.no_grad():
            params["W_dec"].copy_(F.normalize(params["W_dec"], dim=1))
        return float(loss)

    times = []
    for i, x in enumerate(batches):
        start = time.perf_counter()
        step(x)
        if i > 0:
            times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    print(json.dumps({"seconds": seconds, "tokens_per_s": b / seconds, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "torch": torch.__version__, "threads": torch.get_num_threads(), "dead": num_dead}))


if __name__ == "__main__":
    main()
