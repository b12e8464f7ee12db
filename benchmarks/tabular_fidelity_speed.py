"""How long ``tfgan_ts.evaluation.tabular_fidelity`` takes on a 14-column table.

The real table is sklearn's wine data (13 continuous columns plus ``target``, passed as
discrete); the synthetic one bootstraps each column independently (same marginals, no
dependence), so every part of the comparison has work to do. Three sizes: the 178 wine rows
on both sides, then 1,000 and 10,000 rows on both sides (real rows bootstrapped whole, keeping
their dependence). Each figure is the median of ``--repeats`` calls after one warm-up call.

``--reference`` also times the pairwise normalized mutual information as it was computed
before (one ``sklearn.metrics.normalized_mutual_info_score`` call per pair and side), by
swapping it into :mod:`tfgan_ts.evaluation.dependence` for the duration of the run (the rest
is today's code, so this is a lower bound of the old time), and prints the largest difference
between the two NMI matrices.

    python benchmarks/tabular_fidelity_speed.py --reference
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.metrics import normalized_mutual_info_score

from tfgan_ts.evaluation import dependence, tabular_fidelity


def _tables(n: int | None, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wine (whole rows bootstrapped to ``n`` when given) and an independent per-column
    bootstrap of it with as many rows."""
    wine = load_wine(as_frame=True).frame
    real = wine if n is None else wine.iloc[rng.integers(0, len(wine), n)].reset_index(drop=True)
    syn = pd.DataFrame({c: real[c].to_numpy()[rng.integers(0, len(real), len(real))]
                        for c in real.columns})
    return real, syn


def _sklearn_nmi_matrix(labels: list[np.ndarray]) -> np.ndarray:
    """The old way: one sklearn call per pair."""
    m = len(labels)
    out = np.eye(m)
    for i in range(m):
        for j in range(i + 1, m):
            out[i, j] = out[j, i] = normalized_mutual_info_score(
                labels[i], labels[j], average_method="arithmetic")
    return out


def _median_seconds(real, syn, repeats: int) -> tuple[float, dict]:
    """Median wall time of ``tabular_fidelity`` over ``repeats`` calls after a warm-up."""
    out = tabular_fidelity(real, syn, discrete=["target"])
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        tabular_fidelity(real, syn, discrete=["target"])
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=7, help="timed calls per size (default 7)")
    p.add_argument("--reference", action="store_true",
                   help="also time the old per-pair sklearn path and check agreement")
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    current = getattr(dependence, "_nmi_matrix", None)
    if args.reference and current is None:
        p.error("--reference needs tfgan_ts.evaluation.dependence._nmi_matrix")
    print(f"{'rows':>6}  {'seconds':>8}" + (f"  {'sklearn':>8}  {'max |Δ|':>8}"
                                            if args.reference else ""))
    for n in (None, 1_000, 10_000):
        real, syn = _tables(n, rng)
        sec, out = _median_seconds(real, syn, args.repeats)
        line = f"{len(real):>6}  {sec:>8.4f}"
        if args.reference:
            dependence._nmi_matrix = _sklearn_nmi_matrix
            try:
                ref_sec, ref = _median_seconds(real, syn, args.repeats)
            finally:
                dependence._nmi_matrix = current
            delta = max(float(np.abs(out["association"][k].to_numpy()
                                     - ref["association"][k].to_numpy()).max())
                        for k in ("real", "synthetic"))
            line += f"  {ref_sec:>8.4f}  {delta:>8.1e}"
        print(line)


if __name__ == "__main__":
    main()
