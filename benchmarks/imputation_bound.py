"""How much better than linear interpolation can *any* local model do? A probe, not a method.

For the same gapped year as ``benchmarks/imputation.py`` (Beijing PM2.5, first 8,760 rows,
seed 0), a regressor learns the correction to linear interpolation from hand-made features —
for every column, the interpolated values at lags 0, ±1, ±2, ±3, ±6, ±12, ±18, ±24, ±48
relative to the entry's own interpolation, the masks there, and the steps since / until the
nearest observation — trained on observed entries hidden in gaps shaped like the data's (six
draws, :class:`tfgan_ts.gap_context.GapSampler`, 20%), then scored on the benchmark's hidden
entries. Ridge regression and gradient boosting (scikit-learn). If a flexible model with two
days of context on every column cannot beat interpolation, the data hold little more to
learn for that gap pattern.

    python benchmarks/imputation_bound.py --scenario mcar
    python benchmarks/imputation_bound.py --scenario blocks
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge

import tfgan_ts as tg
from tfgan_ts.gap_context import GapSampler, gap_context

COLUMNS = ["pm2.5", "DEWP", "TEMP", "PRES", "Iws"]
LAGS = [0, 1, -1, 2, -2, 3, -3, 6, -6, 12, -12, 18, -18, 24, -24, 48, -48]


def features(scaled, known, pad=48):
    """(interpolation, [rows, features]) for every entry's row."""
    prior, distances = gap_context(scaled, known, 6.0)
    p = np.pad(prior, ((pad, pad), (0, 0)), mode="edge")
    m = np.pad(known.astype(float), ((pad, pad), (0, 0)), mode="edge")
    n = len(prior)
    parts = []
    for k in LAGS:
        parts += [p[pad + k:pad + k + n] - prior, m[pad + k:pad + k + n]]
    return prior, np.concatenate([*parts, distances], axis=1)


def rows_of(prior, design, entries, target=None):
    """Design rows (one-hot of the column appended) and targets for bool ``entries``."""
    x, y = [], []
    for j in range(entries.shape[1]):
        r = np.flatnonzero(entries[:, j])
        x.append(np.c_[design[r], np.eye(entries.shape[1])[np.full(len(r), j)]])
        if target is not None:
            y.append(target[r, j] - prior[r, j])
    return np.concatenate(x), (np.concatenate(y) if y else None)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", choices=["mcar", "blocks"], default="mcar")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    truth = tg.datasets.beijing_pm25().iloc[:8760][COLUMNS].astype(float)
    truth = truth.reset_index(drop=True)
    gapped = (tg.masking.mcar(truth, 0.2, args.seed) if args.scenario == "mcar"
              else tg.masking.blocks(truth, 0.2, 24, args.seed))
    hidden = tg.masking.added_mask(truth, gapped)
    x = gapped.to_numpy()
    observed = ~np.isnan(x)
    low, span = np.nanmin(x, 0), np.nanmax(x, 0) - np.nanmin(x, 0)
    scaled = np.where(observed, (x - low) / span, 0.0)
    sampler, rng = GapSampler(~observed, 0.2), np.random.default_rng([args.seed, 3])
    xs, ys = [], []
    for _ in range(6):
        hide = sampler.draw(observed, rng)
        prior, design = features(scaled, observed & ~hide)
        xa, ya = rows_of(prior, design, hide, scaled)
        xs.append(xa)
        ys.append(ya)
    x_train, y_train = np.concatenate(xs), np.concatenate(ys)
    prior, design = features(scaled, observed)
    x_test, _ = rows_of(prior, design, hidden)
    true = (truth.to_numpy() - low) / span
    truth_rows = np.concatenate([true[hidden[:, j], j] for j in range(len(COLUMNS))])
    prior_rows = np.concatenate([prior[hidden[:, j], j] for j in range(len(COLUMNS))])
    base = np.sqrt(np.mean((prior_rows - truth_rows) ** 2))
    print(f"{args.scenario}, seed {args.seed}: {len(y_train):,} training targets, "
          f"{len(truth_rows):,} scored entries; linear interpolation RMSE {base:.5f}")
    for name, model in (("ridge", Ridge(1.0)),
                        ("gradient boosting", HistGradientBoostingRegressor(max_iter=300,
                                                                            random_state=0))):
        model.fit(x_train, y_train)
        rmse = np.sqrt(np.mean((prior_rows + model.predict(x_test) - truth_rows) ** 2))
        print(f"  {name}: RMSE {rmse:.5f} ({rmse / base:.3f} × interpolation)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
