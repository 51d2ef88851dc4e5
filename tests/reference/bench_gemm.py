#!/usr/bin/python3
"""PyTorch side of the "gemm" side-by-side benchmark (tests/Unlearn.Benchmarks/GemmComparison.cs).

Times fp32 matrix products for the shapes given on the command line and prints one JSON object:
    {"torch": "1.13.0", "threads": 2, "results": [{"key": ..., "seconds": best, "runs": n, "gflops": ...}]}
A shape is KEY:M:N:K:TA:TB with TA/TB 0 or 1 (1 = that operand is stored transposed, as in nn.Linear's
weight). Timing is the best of the runs, after one warm-up call, with a preallocated output, on the wall
clock or (--clock cpu) on process CPU time, which leaves out time the process was descheduled.
Run with /usr/bin/python3 (the interpreter that has torch), e.g.
    /usr/bin/python3 tests/reference/bench_gemm.py --threads 2 --seconds 1.5 512:512:512:512:0:0
"""
import argparse
import json
import sys
import time

import torch


def parse_shape(text):
    key, m, n, k, ta, tb = text.split(":")
    return key, int(m), int(n), int(k), ta == "1", tb == "1"


def operands(m, n, k, transpose_a, transpose_b, generator):
    # Stored layouts match the C# side: A is [m, k] (or [k, m] transposed), B is [k, n] (or [n, k]).
    a = torch.rand((k, m) if transpose_a else (m, k), generator=generator) * 2 - 1
    b = torch.rand((n, k) if transpose_b else (k, n), generator=generator) * 2 - 1
    return (a.t() if transpose_a else a), (b.t() if transpose_b else b)


def time_product(a, b, out, seconds, min_runs, max_runs, clock):
    torch.mm(a, b, out=out)  # warm-up: thread pool start, first-touch of out
    best = float("inf")
    runs = 0
    spent = 0.0
    while runs < min_runs or (spent < seconds and runs < max_runs):
        start = clock()
        torch.mm(a, b, out=out)
        elapsed = clock() - start
        best = min(best, elapsed)
        spent += elapsed
        runs += 1
    return best, runs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.5, help="time budget per shape")
    parser.add_argument("--min-runs", type=int, default=3)
    parser.add_argument("--max-runs", type=int, default=50)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("shapes", nargs="+", help="KEY:M:N:K:TA:TB")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(1)
    results = []
    for text in args.shapes:
        key, m, n, k, transpose_a, transpose_b = parse_shape(text)
        a, b = operands(m, n, k, transpose_a, transpose_b, generator)
        out = torch.empty((m, n), dtype=torch.float32)
        clock = time.process_time if args.clock == "cpu" else time.perf_counter
        seconds, runs = time_product(a, b, out, args.seconds, args.min_runs, args.max_runs, clock)
        results.append({"key": key, "seconds": seconds, "runs": runs, "gflops": 2.0 * m * n * k / seconds / 1e9})
        del a, b, out
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "clock": args.clock, "results": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
