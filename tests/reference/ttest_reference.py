#!/usr/bin/env python3
"""Writes tests/Unlearn.Methods.Tests/Data/logreg/ttest_reference.json: scipy reference values for the
C# t-test, its special functions and the diff-means scores. Run from the repository root with
/usr/bin/python3 (numpy 1.24, scipy 1.10, mpmath); the output is committed, the tests never run Python.

Sections ("value"/"p" are mpmath at 40 significant digits, independent of scipy, with the double inputs
taken exactly; "scipy" is scipy's double-precision answer, kept for comparison: scipy's betainc is off by
up to ~1e-11 relative for large a, so the special functions are tested against mpmath):
  log_gamma        x, log Γ(x)                                   (scipy: special.gammaln)
  incomplete_beta  x, a, b, I_x(a, b)                             (scipy: special.betainc)
  t_pvalues        t, df, two-sided p = I_{df/(df+t²)}(df/2, 1/2) (scipy: 2 * stats.t.sf(|t|, df))
  ttest            a small float32 data set (concept rows, background rows, 8 columns chosen to hit the
                   edge cases: null, small and large shifts, constant columns, a large offset, unequal
                   variances) with scipy.stats.ttest_ind(equal_var=True) t and p per column and the
                   diff-means score |mean_c - mean_b| / pooled std (0 where the pooled std is 0).
Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".
"""
import json
import warnings

import mpmath
import numpy as np
from scipy import special, stats

mpmath.mp.dps = 40


def exact_betainc(a, b, x):
    """I_x(a, b) in mpmath, from the side of the mean a / (a + b) where its hypergeometric series converges."""
    if x <= a / (a + b):
        # Far below double's range (the p of a t of several hundred) the series gives up; the answer is 0 in double.
        # I_x(a, b) < x^a (1 - x)^b / (a B(a, b)) · (a + b + 1) bounds it for x below the mean.
        log_bound = a * mpmath.log(x) + b * mpmath.log(1 - x) - mpmath.log(a) - mpmath.log(mpmath.beta(a, b)) + mpmath.log(a + b + 1)
        if log_bound < mpmath.log(mpmath.mpf("1e-330")):
            return mpmath.mpf(0)
        return mpmath.betainc(a, b, 0, x, regularized=True)
    return 1 - mpmath.betainc(b, a, 0, 1 - x, regularized=True)


def number(v):
    v = float(v)
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def main():
    log_gamma = [{"x": x, "value": number(mpmath.loggamma(mpmath.mpf(x))), "scipy": number(special.gammaln(x))}
                 for x in [1e-3, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 9.99, 10.0, 10.5, 25.5, 1e3, 1e6, 1e12]]

    incomplete_beta = []
    for a in [0.5, 1.0, 2.5, 10.0, 50.5, 1000.0, 9999.0]:
        for b in [0.5, 1.0, 3.0, 40.0, 1000.0]:
            for x in [1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 0.999999]:
                exact = exact_betainc(mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x))
                incomplete_beta.append({"x": x, "a": a, "b": b, "value": number(exact),
                                        "scipy": number(special.betainc(a, b, x))})

    t_pvalues = []
    for df in [1.0, 2.0, 5.0, 30.0, 518.0, 958.0, 19998.0, 1e6]:
        for t in [0.0, 0.1, -1.0, 2.5, 5.0, -12.0, 40.0, 100.0, 300.0]:
            nu, tt = mpmath.mpf(df), mpmath.mpf(t)
            exact = exact_betainc(nu / 2, mpmath.mpf(0.5), nu / (nu + tt * tt))
            t_pvalues.append({"t": t, "df": df, "p": number(exact), "scipy": number(2 * stats.t.sf(abs(t), df))})

    rng = np.random.default_rng(1234)
    concept_count, background_count, columns = 37, 29, 8
    concept = rng.standard_normal((concept_count, columns))
    background = rng.standard_normal((background_count, columns))
    concept[:, 1] += 0.5                       # small shift
    concept[:, 2] += 3.0                       # large shift
    concept[:, 3] = 2.5; background[:, 3] = 2.5  # constant and equal: t = NaN
    concept[:, 4] = 1.0; background[:, 4] = -1.0  # constant, different: t = inf, p = 0
    concept[:, 5] = 1e4 + 0.01 * concept[:, 5]; background[:, 5] = 1e4 + 0.01 * background[:, 5] + 0.004
    concept[:, 6] = 20.0 + 0.5 * concept[:, 6]  # overwhelming shift: p around 1e-40
    background[:, 7] *= 4.0                    # unequal variances (the test still pools)
    concept = concept.astype(np.float32)
    background = background.astype(np.float32)
    c64, b64 = concept.astype(np.float64), background.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.ttest_ind(c64, b64, axis=0, equal_var=True)
        df = concept_count + background_count - 2
        pooled = np.sqrt(((c64 - c64.mean(0)) ** 2).sum(0) / df + ((b64 - b64.mean(0)) ** 2).sum(0) / df)
        diff = np.abs(c64.mean(0) - b64.mean(0))
        diff_means = np.where(pooled == 0, 0.0, diff / np.where(pooled == 0, 1.0, pooled))

    out = {
        "generated_by": "tests/reference/ttest_reference.py",
        "scipy": __import__("scipy").__version__,
        "numpy": np.__version__,
        "mpmath": mpmath.__version__,
        "log_gamma": log_gamma,
        "incomplete_beta": incomplete_beta,
        "t_pvalues": t_pvalues,
        "ttest": {
            "feature_count": columns,
            "concept": [float(v) for v in concept.ravel()],
            "background": [float(v) for v in background.ravel()],
            "t": [number(v) for v in result.statistic],
            "p": [number(v) for v in result.pvalue],
            "diff_means": [number(v) for v in diff_means],
        },
    }
    path = "tests/Unlearn.Methods.Tests/Data/logreg/ttest_reference.json"
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
