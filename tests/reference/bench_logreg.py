#!/usr/bin/env python3
"""Reference side of `dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare logreg`.

Fits scikit-learn's LogisticRegression(penalty='l1', solver='liblinear', class_weight='balanced') on a
float32 design matrix that the C# side already standardised and saved as .npy (so both sides fit the
same bits), times fit() (which includes scikit-learn's conversion to float64 and to liblinear's sparse
format: what a user of scikit-learn pays), and prints one JSON object:
    seconds (wall, every repeat), cpu_seconds (process CPU time, every repeat; robust on a shared machine), objective (float64, the liblinear objective at the returned weights),
    nonzero (support size, intercept excluded), intercept, n_iter (liblinear's Newton iterations).
The weights, intercept last, are written to --coef-out as float64 .npy for the C# side to compare.

Stopping rule: liblinear's L1R_LR rule with scikit-learn's tol, the same rule and tolerance the C# solver
uses (L1LogisticOptions.Tolerance). Run with /usr/bin/python3 (numpy, scikit-learn 1.2.1).
"""
import argparse
import json
import time

import numpy as np
from sklearn.linear_model import LogisticRegression


def objective(X, y, w, b, C):
    n = len(y)
    counts = np.bincount(y, minlength=2)
    class_weight = n / (2.0 * counts)
    margin = X.astype(np.float64) @ w + b
    s = np.where(y == 1, 1.0, -1.0)
    return float(np.abs(w).sum() + abs(b) + C * np.sum(class_weight[y] * np.logaddexp(0.0, -s * margin)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--x", required=True, help="float32 .npy [rows, features], already standardised")
    parser.add_argument("--y", required=True, help="integer .npy [rows] of 0/1")
    parser.add_argument("--C", type=float, required=True)
    parser.add_argument("--tol", type=float, required=True)
    parser.add_argument("--max-iter", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--coef-out", required=True)
    args = parser.parse_args()

    X = np.load(args.x)
    y = np.load(args.y).astype(np.int64)
    seconds = []
    cpu_seconds = []
    model = None
    for _ in range(args.repeats):
        model = LogisticRegression(penalty="l1", solver="liblinear", class_weight="balanced", C=args.C,
                                   tol=args.tol, max_iter=args.max_iter, random_state=args.seed)
        start, cpu_start = time.perf_counter(), time.process_time()
        model.fit(X, y)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
    w = model.coef_.ravel().astype(np.float64)
    b = float(model.intercept_[0])
    np.save(args.coef_out, np.concatenate([w, [b]]))
    print(json.dumps({
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "objective": objective(X, y, w, b, args.C),
        "nonzero": int(np.count_nonzero(w)),
        "intercept": b,
        "n_iter": int(np.max(model.n_iter_)),
    }))


if __name__ == "__main__":
    main()
