"""Benchmark imputation (issue 18): GAN imputers against interpolation, scikit-learn
imputers and the PyPOTS models SAITS, BRITS and USGAN, on two hourly data sets.

Data sets (``--datasets``, default both). ``--rows N`` keeps the first N rows of each
(default 8,760, one year). Values are cast to float64 and rows get a RangeIndex, so row
position is time on a complete hourly grid. Natural gaps stay in the data. They are never
scored, because there is no truth for them.

* ``pm25``: ``tg.datasets.beijing_pm25()``, columns ``pm2.5``, ``DEWP``, ``TEMP``, ``PRES``
  and ``Iws``, in file order (a complete hourly grid from 2010-01-01). The first 8,760 rows are
  2010, with the natural gaps of ``pm2.5`` (2,067 over the whole file).
* ``traffic``: ``tg.datasets.load_traffic()`` (UCI Metro Interstate Traffic Volume, westbound
  I-94, bundled), columns ``traffic_volume``, ``temp`` (K) and ``clouds_all`` (%). The file
  repeats an hour once per weather description, so duplicate ``date_time`` values are dropped
  (the first row is kept). The rows are then reindexed to a complete hourly grid and calendar
  year 2017 is kept: 8,760 rows, of which 47 whole hours (about 0.5%) are missing in the file.
  Those are the natural gaps, in all three columns.

Scenarios, each repeated over ``--seeds``. On every (data set, scenario, seed) all methods see
the same gapped frame:

* ``mcar``: ``tfgan_ts.masking.mcar`` removes ``--rate`` (0.2) of the observed entries, each
  entry independently at random;
* ``blocks``: ``tfgan_ts.masking.blocks`` removes ``--rate`` of the observed entries in runs
  of mean length ``--block-len`` (24 h).

Only the added gaps are scored (``tfgan_ts.masking.added_mask``), with
``tfgan_ts.evaluation.imputation_scores``. Its "overall" row pools the data set's columns after
min-max scaling. The per-column rows are on the original scale.

Methods (``--methods``). Each one fills the gapped frame:

* ``bilstm-gan``, ``mlp-gan``: ``tg.GANImputer(generator="bilstm"|"mlp", seed=seed,
  verbose=0)``. ``max_steps`` and ``window`` are passed only when ``--max-steps`` or
  ``--window`` is given. Every other parameter keeps GANImputer's default, because the defaults
  are what is measured. The JSON records the fitted ``generator_``, ``window_``,
  ``validation_rmse_`` and ``steps_``. ``auto-gan`` (``generator="auto"``, which trains both and
  keeps the one with the lower held-out RMSE) is optional;
* ``mean``: scikit-learn ``SimpleImputer(strategy="mean")``;
* ``interpolate``: ``DataFrame.interpolate(method="linear", limit_direction="both")``, linear
  in time;
* ``iterative``: scikit-learn ``IterativeImputer()`` (BayesianRidge, 10 rounds) with
  ``random_state=seed``;
* ``knn`` (optional): scikit-learn ``KNNImputer(n_neighbors=--knn-k)``. It runs on columns
  standardized with the mean and std of their observed entries. Its output is un-standardized
  and the observed entries are put back exactly, because the round trip through
  standardization changes the last bits. With ``--knn-rows N`` the neighbours come from N
  random rows (the donors), and every row is still imputed and scored;
* ``saits``, ``brits``, ``usgan``: the PyPOTS models, run in their own environment
  (``--peer-venv``, made by ``benchmarks/setup_pypots.sh``) through
  ``benchmarks/_pypots.run_pypots``. Parameters: ``--peer-window`` (24), ``--peer-epochs``
  (100), patience 10 and ``--peer-threads`` (1). Outputs are cached in ``--peer-cache`` under
  a hash of the input and the parameters. A cached result is marked ``"cached": true`` in the
  JSON and keeps the seconds measured when it ran. A peer that fails (no environment, a crash)
  is recorded as a failure of that method; the other methods still run.

Seconds. For the in-process methods they cover the whole fit + transform call,
standardization included. For a peer they are the peer's own fit + impute time
(``info["seconds"]``, measured inside the peer, not the start-up or cache look-up). The wall
time of the call is kept as ``wall_seconds``. After every method the script checks that the
output has the input's shape, index, columns and float64 dtype, that every entry observed in the
input comes back bit-identical, that no NaN or inf is left, and that the method did not modify
its input. Any failure is printed to stderr at once, marked in the tables and the JSON, and
makes the script exit with status 1 after the report.

Comparisons, per (data set, scenario), on the scaled RMSE, both from the means over seeds and
seed by seed:

* reference set R = {interpolate, iterative, saits, brits, usgan}, restricted to the methods
  that were run and passed the integrity check; the best reference has the lowest RMSE;
* the better GAN is the one of ``bilstm-gan`` and ``mlp-gan`` with the lower RMSE. The goal of
  issue 18 is met when its RMSE divided by the best reference's is ≤ 0.90;
* whether each GAN beats ``interpolate`` and ``mean`` (lower RMSE), and whether
  ``bilstm-gan`` beats ``mlp-gan``, with the seeds where it was lower. Means that differ by
  less than a relative 1e-6 are also flagged as a tie: a GAN that kept its untrained weights
  fills as interpolation does, up to float32 rounding.

The report has one Markdown table per data set × scenario. Each gives the mean ± sample std over
seeds of the scaled MAE, RMSE and R² ("overall" row) and of the seconds, then the per-column
RMSE in original units, then the comparisons as bullets. A final "Goals" table covers all data
sets and scenarios. ``--out-json`` writes every per-seed figure together with the config, the
comparisons, the command, the date and the machine. ``--smoke`` only checks that the script
runs: 2,000 rows, GANs with ``max_steps=20``, seed 0, and the methods bilstm-gan, mlp-gan,
mean, interpolate and iterative (peers only when listed in ``--methods``). Its figures mean
nothing.

    python benchmarks/imputation.py --out-json benchmarks/results/imputation.json
    python benchmarks/imputation.py --datasets traffic --methods mean,interpolate,saits
    python benchmarks/imputation.py --smoke --datasets pm25,traffic
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import fmt, machine_info, write_json

DATASETS = {
    "pm25": {
        "label": "Beijing PM2.5",
        "columns": ("pm2.5", "DEWP", "TEMP", "PRES", "Iws"),
        "source": "tg.datasets.beijing_pm25(), file order (complete hourly grid from "
                  "2010-01-01), first --rows rows",
    },
    "traffic": {
        "label": "Metro Interstate traffic",
        "columns": ("traffic_volume", "temp", "clouds_all"),
        "source": "tg.datasets.load_traffic(): duplicate date_time dropped (first kept), "
                  "reindexed to a complete hourly grid, calendar year 2017, first --rows rows",
    },
}
SCENARIOS = ("mcar", "blocks")
DEFAULT_METHODS = ("bilstm-gan", "mlp-gan", "mean", "interpolate", "iterative", "saits",
                   "brits", "usgan")
OPTIONAL_METHODS = ("auto-gan", "knn")
ALL_METHODS = DEFAULT_METHODS + OPTIONAL_METHODS
SMOKE_METHODS = ("bilstm-gan", "mlp-gan", "mean", "interpolate", "iterative")
GAN_METHODS = {"bilstm-gan": "bilstm", "mlp-gan": "mlp", "auto-gan": "auto"}
PEER_METHODS = ("saits", "brits", "usgan")
REFERENCES = ("interpolate", "iterative", "saits", "brits", "usgan")
COMPARED_GANS = ("bilstm-gan", "mlp-gan")
GOAL_RATIO = 0.90
TIE_REL = 1e-6  # |relative RMSE difference| below this is flagged as a tie (float rounding)
LABELS = {
    "bilstm-gan": "BiLSTM-GAN",
    "mlp-gan": "MLP-GAN",
    "auto-gan": "GAN (auto)",
    "mean": "column mean",
    "interpolate": "linear interpolation",
    "knn": "KNN",
    "iterative": "IterativeImputer",
    "saits": "SAITS (PyPOTS)",
    "brits": "BRITS (PyPOTS)",
    "usgan": "USGAN (PyPOTS)",
}
DEFAULT_ROWS = 8760
SMOKE_ROWS = 2000
SMOKE_MAX_STEPS = 20
SCORE_FIELDS = ("mae_scaled", "rmse_scaled", "r2_scaled")


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _choices(p, flag: str, text: str, known) -> list[str]:
    picked = list(dict.fromkeys(_csv(text)))
    bad = [x for x in picked if x not in known]
    if bad or not picked:
        p.error(f"{flag}: unknown {bad}, choose from {', '.join(known)}")
    return picked


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure imputation quality on Beijing PM2.5 and Metro Interstate traffic: "
                    "GANImputer (BiLSTM, MLP) against mean, linear interpolation, "
                    "IterativeImputer and PyPOTS SAITS, BRITS and USGAN, on added MCAR and "
                    "block gaps (issue 18).",
    )
    p.add_argument("--datasets", default=",".join(DATASETS),
                   help="comma-separated data sets out of pm25, traffic (default: both)")
    p.add_argument("--methods", default=None,
                   help="comma-separated methods out of "
                        f"{', '.join(DEFAULT_METHODS + OPTIONAL_METHODS)} (default: all but "
                        f"{' and '.join(OPTIONAL_METHODS)}; with --smoke "
                        f"{', '.join(SMOKE_METHODS)})")
    p.add_argument("--scenarios", default=",".join(SCENARIOS),
                   help="comma-separated scenarios out of mcar, blocks (default: both)")
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds; each seed draws new gaps and seeds the methods "
                        "(default 0,1,2; 0 with --smoke)")
    p.add_argument("--rows", type=int, default=None,
                   help=f"use only the first N rows of each data set, in time order (default "
                        f"{DEFAULT_ROWS:,}: pm25's first year, traffic's 2017; {SMOKE_ROWS:,} "
                        "with --smoke)")
    p.add_argument("--rate", type=float, default=0.2,
                   help="share of the observed entries removed in each scenario (default 0.2)")
    p.add_argument("--block-len", type=float, default=24.0,
                   help="mean gap length in rows (hours) in the blocks scenario (default 24)")
    p.add_argument("--max-steps", type=int, default=None,
                   help="GANImputer max_steps (default: not passed, GANImputer's own default; "
                        f"{SMOKE_MAX_STEPS} with --smoke)")
    p.add_argument("--window", type=int, default=None,
                   help="GANImputer window in rows (default: not passed, GANImputer chooses)")
    p.add_argument("--knn-k", type=int, default=5, help="KNNImputer n_neighbors (default 5)")
    p.add_argument("--knn-rows", type=int, default=None,
                   help="KNN takes its neighbours from this many random rows (drawn with the "
                        "seed); every row is still imputed (default: all rows are donors)")
    p.add_argument("--peer-venv", default="/work/bench_work/pypotsvenv",
                   help="virtual environment with PyPOTS for saits, brits, usgan (default "
                        "/work/bench_work/pypotsvenv; made by benchmarks/setup_pypots.sh)")
    p.add_argument("--peer-cache", default="/work/bench_work/pypots_cache",
                   help="cache of PyPOTS outputs, keyed by input and parameters (default "
                        "/work/bench_work/pypots_cache)")
    p.add_argument("--peer-epochs", type=int, default=100,
                   help="PyPOTS epochs at most, early stopping with patience 10 (default 100)")
    p.add_argument("--peer-window", type=int, default=24,
                   help="PyPOTS window in rows (default 24)")
    p.add_argument("--peer-threads", type=int, default=1,
                   help="PyTorch threads of a PyPOTS run (default 1)")
    p.add_argument("--threads", type=int, default=0,
                   help="TensorFlow intra- and inter-op threads (0: TensorFlow's default, the "
                        "default)")
    p.add_argument("--out-json", default=None,
                   help="write all figures to this JSON file (default: print only)")
    p.add_argument("--merge", default=None,
                   help="comma-separated JSON files of earlier runs (same data sets and gaps, "
                        "other methods): print and write (--out-json) one report joining "
                        "them, on the seeds they all measured; nothing is run")
    p.add_argument("--smoke", action="store_true",
                   help=f"tiny run ({SMOKE_ROWS:,} rows, GAN max_steps {SMOKE_MAX_STEPS}, seed "
                        "0, no peers unless listed in --methods): checks that the script runs, "
                        "figures mean nothing")
    args = p.parse_args(argv)

    args.datasets = _choices(p, "--datasets", args.datasets, tuple(DATASETS))
    methods = args.methods
    if methods is None:
        methods = ",".join(SMOKE_METHODS if args.smoke else DEFAULT_METHODS)
    args.methods = _choices(p, "--methods", methods, DEFAULT_METHODS + OPTIONAL_METHODS)
    args.scenarios = _choices(p, "--scenarios", args.scenarios, SCENARIOS)
    seeds = args.seeds if args.seeds is not None else ("0" if args.smoke else "0,1,2")
    try:
        args.seeds = list(dict.fromkeys(int(s) for s in _csv(seeds)))
    except ValueError:
        p.error(f"--seeds must be comma-separated integers, got {seeds!r}")
    if not args.seeds:
        p.error("--seeds: give at least one seed")
    if args.rows is None:
        args.rows = SMOKE_ROWS if args.smoke else DEFAULT_ROWS
    if args.max_steps is None and args.smoke:
        args.max_steps = SMOKE_MAX_STEPS
    for name in ("rows", "max_steps", "window", "knn_k", "knn_rows", "peer_epochs",
                 "peer_window", "peer_threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.threads < 0:
        p.error("--threads must be >= 0")
    if not 0.0 < args.rate < 1.0:
        p.error("--rate must be in (0, 1)")
    if args.block_len < 1:
        p.error("--block-len must be >= 1")
    return args


# --------------------------------------------------------------------------- data


def _load_pm25() -> tuple[pd.DataFrame, pd.Series]:
    import tfgan_ts as tg

    df = tg.datasets.beijing_pm25()
    if not df["datetime"].is_monotonic_increasing:
        raise RuntimeError("beijing_pm25 rows are not in time order")
    return df[list(DATASETS["pm25"]["columns"])], df["datetime"]


def _load_traffic() -> tuple[pd.DataFrame, pd.Series]:
    import tfgan_ts as tg

    df = tg.datasets.load_traffic()
    df["date_time"] = pd.to_datetime(df["date_time"])
    df = df.drop_duplicates("date_time", keep="first").set_index("date_time")
    grid = pd.date_range(df.index.min().floor("h"), df.index.max(), freq="h")
    df = df.reindex(grid)  # the hours missing from the file become all-NaN rows
    df = df[(df.index >= "2017-01-01") & (df.index < "2018-01-01")]
    if len(df) != 8760:
        raise RuntimeError(f"traffic 2017 has {len(df)} hourly rows, expected 8,760")
    return df[list(DATASETS["traffic"]["columns"])], df.index.to_series()


def load(dataset: str, rows: int) -> tuple[pd.DataFrame, dict]:
    """The data set's columns as float64, first ``rows`` rows, RangeIndex; and its facts."""
    frame, times = {"pm25": _load_pm25, "traffic": _load_traffic}[dataset]()
    frame = frame.iloc[:rows].astype("float64").reset_index(drop=True)
    times = times.iloc[:rows]
    natural = {c: int(frame[c].isna().sum()) for c in frame.columns}
    info = {
        "name": dataset,
        "label": DATASETS[dataset]["label"],
        "source": DATASETS[dataset]["source"],
        "columns": list(frame.columns),
        "rows": len(frame),
        "first_time": str(times.iloc[0]),
        "last_time": str(times.iloc[-1]),
        "natural_gaps": sum(natural.values()),
        "natural_gaps_by_column": natural,
        "rows_all_missing": int(frame.isna().all(axis=1).sum()),
    }
    return frame, info


def make_gaps(scenario: str, truth: pd.DataFrame, rate: float, block_len: float, seed: int):
    from tfgan_ts.masking import added_mask, blocks, mcar

    if scenario == "mcar":
        gapped = mcar(truth, rate, seed)
    else:
        gapped = blocks(truth, rate, block_len, seed)
    gapped = gapped[list(truth.columns)]
    mask = pd.DataFrame(np.asarray(added_mask(truth, gapped), dtype=bool), index=truth.index,
                        columns=truth.columns)
    return gapped, mask


def gap_stats(truth: pd.DataFrame, gapped: pd.DataFrame, mask: pd.DataFrame) -> dict:
    """What the masking actually did, per column: measured, not taken from the arguments."""
    from tfgan_ts.gap_context import run_lengths

    out = {}
    for c in truth.columns:
        m = mask[c].to_numpy(dtype=bool)
        runs = run_lengths(m[:, None])
        observed = int(truth[c].notna().sum())
        out[c] = {
            "observed_before": observed,
            "added": int(m.sum()),
            "added_share_of_observed": float(m.sum() / observed) if observed else None,
            "added_runs": int(len(runs)),
            "mean_added_run_length": float(runs.mean()) if len(runs) else None,
            "missing_after": int(gapped[c].isna().sum()),
        }
    added = sum(v["added"] for v in out.values())
    observed = sum(v["observed_before"] for v in out.values())
    runs = sum(v["added_runs"] for v in out.values())
    out["all"] = {"observed_before": observed, "added": added,
                  "added_share_of_observed": added / observed,
                  "added_runs": runs, "mean_added_run_length": added / runs if runs else None,
                  "rows_all_missing_after": int(gapped.isna().all(axis=1).sum())}
    return out


# --------------------------------------------------------------------------- methods


def _frame(values, like: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(values, index=like.index, columns=like.columns)


def impute_mean(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:
    from sklearn.impute import SimpleImputer

    return _frame(SimpleImputer(strategy="mean").fit_transform(gapped.to_numpy()), gapped), {}


def impute_interpolate(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:
    return gapped.interpolate(method="linear", limit_direction="both"), {}


def impute_knn(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:
    from sklearn.impute import KNNImputer

    mu = gapped.mean()
    sd = gapped.std(ddof=0).replace(0.0, 1.0)
    z = ((gapped - mu) / sd).to_numpy()
    imp = KNNImputer(n_neighbors=args.knn_k)
    info = {"n_neighbors": args.knn_k, "donor_rows": len(z)}
    if args.knn_rows is not None and args.knn_rows < len(z):
        donors = np.sort(np.random.default_rng(seed).choice(len(z), args.knn_rows,
                                                            replace=False))
        imp.fit(z[donors])
        filled = imp.transform(z)
        info["donor_rows"] = int(args.knn_rows)
    else:
        filled = imp.fit_transform(z)
    back = _frame(filled, gapped) * sd + mu
    # only the gaps take KNN's values: the standardization round trip is not bit-exact
    return gapped.where(gapped.notna(), back), info


def impute_iterative(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    imp = IterativeImputer(random_state=seed)
    out = _frame(imp.fit_transform(gapped.to_numpy()), gapped)
    return out, {"n_iter": int(imp.n_iter_), "max_iter": imp.max_iter}


def gan_extra(args) -> dict:
    """The GANImputer arguments the user set on the command line (the rest: defaults)."""
    extra = {}
    if args.max_steps is not None:
        extra["max_steps"] = args.max_steps
    if args.window is not None:
        extra["window"] = args.window
    return extra


def impute_gan(generator: str):
    def run(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:
        import tfgan_ts as tg

        imp = tg.GANImputer(generator=generator, seed=seed, verbose=0, **gan_extra(args))
        out = imp.fit_transform(gapped)
        if not isinstance(out, pd.DataFrame):
            out = _frame(np.asarray(out), gapped)
        params = imp.get_params()
        info = {"params": {k: v for k, v in params.items()
                           if isinstance(v, (str, int, float, bool, type(None)))}}
        for name in ("generator_", "window_", "validation_rmse_", "steps_"):
            info[name] = getattr(imp, name, None)
        return out, info

    return run


def impute_peer(model: str):
    def run(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:
        from _pypots import run_pypots  # lazily: only needed when a peer is requested

        return run_pypots(model, gapped, seed, venv=args.peer_venv, cache_dir=args.peer_cache,
                          window=args.peer_window, epochs=args.peer_epochs,
                          threads=args.peer_threads)

    return run


METHOD_FUNCS = {
    "bilstm-gan": impute_gan("bilstm"),
    "mlp-gan": impute_gan("mlp"),
    "auto-gan": impute_gan("auto"),
    "mean": impute_mean,
    "interpolate": impute_interpolate,
    "knn": impute_knn,
    "iterative": impute_iterative,
    "saits": impute_peer("saits"),
    "brits": impute_peer("brits"),
    "usgan": impute_peer("usgan"),
}


# --------------------------------------------------------------------------- checks


def _bits(frame: pd.DataFrame) -> np.ndarray:
    return np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).view(np.uint64)


def check_output(gapped: pd.DataFrame, given: pd.DataFrame, out) -> list[str]:
    """Problems with one method's output; empty when all is well. ``given`` is the copy of
    ``gapped`` that the method received."""
    problems = []
    gapped_bits = _bits(gapped)
    if not np.array_equal(_bits(given), gapped_bits):
        problems.append("the method modified its input frame in place")
    if not isinstance(out, pd.DataFrame):
        return problems + [f"returned {type(out).__name__}, not a DataFrame"]
    if out.shape != gapped.shape:
        return problems + [f"shape {out.shape}, expected {gapped.shape}"]
    if list(out.columns) != list(gapped.columns):
        problems.append(f"columns {list(out.columns)}, expected {list(gapped.columns)}")
    if not out.index.equals(gapped.index):
        problems.append("index differs from the input's")
    not_f64 = {str(c): str(t) for c, t in out.dtypes.items() if t != np.float64}
    if not_f64:
        problems.append(f"dtypes not float64: {not_f64}")
    try:
        vals = np.ascontiguousarray(out.to_numpy(dtype=np.float64))
    except (TypeError, ValueError) as exc:
        return problems + [f"output is not numeric: {exc}"]
    observed = ~np.isnan(gapped.to_numpy(dtype=np.float64))
    changed = observed & (vals.view(np.uint64) != gapped_bits)
    if changed.any():
        r, c = np.argwhere(changed)[0]
        problems.append(
            f"{int(changed.sum())} observed entries changed, e.g. {gapped.columns[c]!r} row "
            f"{r}: {float(gapped.iat[r, c])!r} -> {float(vals[r, c])!r}")
    nan_left = np.isnan(vals).sum(axis=0)
    if nan_left.any():
        problems.append("NaN left: " + ", ".join(
            f"{gapped.columns[j]} {int(n)}" for j, n in enumerate(nan_left) if n))
    inf = np.isinf(vals).sum()
    if inf:
        problems.append(f"{int(inf)} inf values")
    return problems


# --------------------------------------------------------------------------- scores


def score(truth: pd.DataFrame, out: pd.DataFrame, mask: pd.DataFrame) -> dict:
    from tfgan_ts.evaluation import imputation_scores

    table = imputation_scores(truth, out, mask)
    if "column" in table.columns:
        table = table.set_index("column")
    records = {str(k): {f: (float(v) if isinstance(v, (float, np.floating)) else
                            int(v) if isinstance(v, (int, np.integer)) else v)
                        for f, v in row.items()}
               for k, row in table.to_dict("index").items()}
    return {
        "overall": records["overall"],
        "by_column": {c: records[c] for c in truth.columns},
    }


def _nan_scores(columns) -> dict:
    return {"overall": {f: float("nan") for f in SCORE_FIELDS},
            "by_column": {c: {"rmse": float("nan")} for c in columns}}


def _stats(values: list[float]) -> dict:
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
    return {
        "mean": float(np.mean(arr)),
        "std": float(np.std(arr, ddof=1)) if len(arr) > 1 else None,
        "values": [float(v) for v in arr],
    }


def summarize(runs: list[dict], columns: list[str], methods: list[str]) -> dict:
    """Mean ± std over the seeds of one (data set, scenario), per method."""
    out = {}
    for m in methods:
        per_seed = [r["methods"][m] for r in runs]
        s = {"n_seeds": len(per_seed),
             "integrity_ok": all(not p["problems"] for p in per_seed),
             "seconds": _stats([p["seconds"] for p in per_seed])}
        if m in PEER_METHODS:
            s["cached_seeds"] = [r["seed"] for r in runs if r["methods"][m].get("cached")]
        for f in SCORE_FIELDS:
            s[f] = _stats([p["scores"]["overall"][f] for p in per_seed])
        s["rmse_by_column"] = {c: _stats([p["scores"]["by_column"][c]["rmse"]
                                          for p in per_seed]) for c in columns}
        out[m] = s
    return out


def _usable(res: dict, m: str) -> bool:
    """Run, passed the integrity check and scored on every seed."""
    return (m in res and res[m]["integrity_ok"]
            and bool(np.all(np.isfinite(res[m]["rmse_scaled"]["values"]))))


def _versus(res: dict, a: str, b: str, seeds: list[int]) -> dict:
    """Does ``a`` have the lower mean scaled RMSE than ``b``; and on which seeds."""
    ra, rb = res[a]["rmse_scaled"], res[b]["rmse_scaled"]
    ok = _usable(res, a) and _usable(res, b)
    rel = (ra["mean"] - rb["mean"]) / rb["mean"] if ok and rb["mean"] else float("nan")
    return {
        "method": a, "versus": b, "eligible": ok,
        "beats": bool(ok and ra["mean"] < rb["mean"]),
        # a GAN that kept its untrained weights fills as interpolation, up to float32 rounding
        "tie": bool(ok and abs(rel) < TIE_REL),
        "relative_difference": rel,
        "rmse_scaled": ra["mean"], "versus_rmse_scaled": rb["mean"],
        "seeds_lower": [s for s, x, y in zip(seeds, ra["values"], rb["values"], strict=True)
                        if ok and x < y],
        "n_seeds": len(seeds),
    }


def compare(res: dict, seeds: list[int]) -> dict:
    """Issue 18's comparisons for one (data set, scenario), from the means and per seed."""
    rmse = {m: res[m]["rmse_scaled"] for m in res}
    refs = [m for m in REFERENCES if _usable(res, m)]
    gans = [m for m in COMPARED_GANS if _usable(res, m)]
    cmp: dict = {
        "goal_ratio": GOAL_RATIO,
        "reference_set": refs,
        "references_not_run": [m for m in REFERENCES if m not in res],
        "references_failed": [m for m in REFERENCES if m in res and m not in refs],
        "gans_compared": gans,
        "gans_failed": [m for m in COMPARED_GANS if m in res and m not in gans],
        "goal_met": None,
    }
    if refs:
        best = min(refs, key=lambda m: rmse[m]["mean"])
        cmp["best_reference"] = best
        cmp["best_reference_rmse_scaled"] = rmse[best]["mean"]
    if gans:
        better = min(gans, key=lambda m: rmse[m]["mean"])
        cmp["better_gan"] = better
        cmp["better_gan_rmse_scaled"] = rmse[better]["mean"]
    if refs and gans:
        cmp["ratio"] = cmp["better_gan_rmse_scaled"] / cmp["best_reference_rmse_scaled"]
        cmp["goal_met"] = bool(cmp["ratio"] <= GOAL_RATIO)
        per_seed = []
        for i, seed in enumerate(seeds):
            b = min(refs, key=lambda m: rmse[m]["values"][i])
            g = min(gans, key=lambda m: rmse[m]["values"][i])
            ratio = rmse[g]["values"][i] / rmse[b]["values"][i]
            per_seed.append({"seed": seed, "best_reference": b,
                             "best_reference_rmse_scaled": rmse[b]["values"][i],
                             "better_gan": g, "better_gan_rmse_scaled": rmse[g]["values"][i],
                             "ratio": ratio, "goal_met": bool(ratio <= GOAL_RATIO)})
        cmp["per_seed"] = per_seed
        cmp["goal_met_seeds"] = [p["seed"] for p in per_seed if p["goal_met"]]
    cmp["gan_beats"] = {g: {b: _versus(res, g, b, seeds) for b in ("interpolate", "mean")
                            if b in res}
                        for g in COMPARED_GANS if g in res}
    if all(g in res for g in COMPARED_GANS):
        cmp["bilstm_beats_mlp"] = _versus(res, "bilstm-gan", "mlp-gan", seeds)
    return cmp


def goal_text(cmp: dict) -> str:
    if cmp["goal_met"] is None:
        return "n/a"
    if cmp["goal_met"]:
        return "met"
    return f"NOT met (ratio {cmp['ratio']:.3f}; needs ≤ {GOAL_RATIO:.2f})"


# --------------------------------------------------------------------------- report


def _pm(stat: dict) -> str:
    if stat["std"] is None:
        return fmt(stat["mean"])
    return f"{fmt(stat['mean'])} ± {stat['std']:.2g}"


def _labels(methods) -> str:
    return ", ".join(LABELS[m] for m in methods) or "none"


def _seeds_text(v: dict) -> str:
    lower = v["seeds_lower"]
    return (f"lower on {len(lower)} of {v['n_seeds']} seeds"
            + (f": {', '.join(map(str, lower))}" if lower else ""))


def _versus_text(v: dict) -> str:
    if not v["eligible"]:
        return "n/a (integrity failure or no score)"
    tie = (f", a tie: relative difference {v['relative_difference']:.1e}, float rounding"
           if v["tie"] else "")
    return (f"**{'yes' if v['beats'] else 'no'}** ({fmt(v['rmse_scaled'])} vs "
            f"{fmt(v['versus_rmse_scaled'])}; {_seeds_text(v)}{tie})")


def scenario_title(scenario: str, config: dict) -> str:
    pct = f"{config['rate']:.0%}"
    if scenario == "mcar":
        return f"mcar: {pct} of the observed entries removed at random"
    return (f"blocks: {pct} of the observed entries removed in gaps of mean length "
            f"{config['block_len']:g} h")


def comparison_lines(cmp: dict) -> list[str]:
    lines = []
    refs = _labels(cmp["reference_set"])
    extra = []
    if cmp["references_not_run"]:
        extra.append(f"not run: {_labels(cmp['references_not_run'])}")
    if cmp["references_failed"]:
        extra.append(f"failed: {_labels(cmp['references_failed'])}")
    lines.append(f"- Reference set: {refs}" + (f" ({'; '.join(extra)})" if extra else ""))
    if cmp["goal_met"] is not None:
        per_seed = "; ".join(f"seed {p['seed']}: {LABELS[p['better_gan']]} / "
                             f"{LABELS[p['best_reference']]} {p['ratio']:.3f}"
                             for p in cmp["per_seed"])
        lines.append(
            f"- Goal (better GAN ≤ {GOAL_RATIO:.2f} × best reference, scaled RMSE): "
            f"**{goal_text(cmp)}**. Better GAN {LABELS[cmp['better_gan']]} "
            f"{fmt(cmp['better_gan_rmse_scaled'])} / best reference "
            f"{LABELS[cmp['best_reference']]} {fmt(cmp['best_reference_rmse_scaled'])} = "
            f"{cmp['ratio']:.3f} (ratio of the means). Per seed: {per_seed}; met on "
            f"{len(cmp['goal_met_seeds'])} of {len(cmp['per_seed'])} seeds.")
    else:
        lines.append("- Goal: n/a (no usable GAN or no usable reference method)")
    for g, versus in cmp["gan_beats"].items():
        parts = [f"{LABELS[b]}: {_versus_text(v)}" for b, v in versus.items()]
        if parts:
            lines.append(f"- {LABELS[g]} beats " + "; ".join(parts))
    if "bilstm_beats_mlp" in cmp:
        lines.append(f"- BiLSTM-GAN beats MLP-GAN: {_versus_text(cmp['bilstm_beats_mlp'])}")
    return lines


def _per_seed(infos, describe) -> str:
    """One "seed s: ..." part per seed, "failed" where the method left no info."""
    return "; ".join(f"seed {seed}: " + (describe(r) if r["info"] else "failed")
                     for seed, r in infos)


def _gan_detail(r) -> str:
    i = r["info"]
    val = i.get("validation_rmse_") or {}
    return (f"generator_ {i.get('generator_')}, window_ {i.get('window_')}, steps_ "
            f"{i.get('steps_')}, held-out RMSE " + ", ".join(f"{k} {fmt(v)}"
                                                           for k, v in val.items()))


def _peer_detail(r) -> str:
    i = r["info"]
    return (f"epochs run {i.get('epochs_run')}, best epoch {i.get('best_epoch')}"
            + (", cached" if r.get("cached") else ""))


def method_detail_lines(runs: list[dict], methods: list[str]) -> list[str]:
    lines = []
    for m in methods:
        infos = [(r["seed"], r["methods"][m]) for r in runs]
        if m in GAN_METHODS:
            lines.append(f"- {LABELS[m]} fitted: " + _per_seed(infos, _gan_detail))
        elif m in PEER_METHODS:
            lines.append(f"- {LABELS[m]}: " + _per_seed(infos, _peer_detail))
    return lines


def markdown(result: dict) -> str:
    c = result["config"]
    lines = []
    for ds in c["datasets"]:
        d = result["datasets"][ds]
        lines.append(f"## {d['label']} ({', '.join(d['columns'])})")
        lines.append("")
        lines.append(
            f"{d['rows']:,} hourly rows, {d['first_time']} to {d['last_time']}; "
            f"{d['natural_gaps']:,} natural gaps kept, not scored ("
            + ", ".join(f"{k} {v:,}" for k, v in d["natural_gaps_by_column"].items())
            + f"; {d['rows_all_missing']:,} rows wholly missing). Source: {d['source']}.")
        lines.append("")
        for scenario in c["scenarios"]:
            res = result["summary"][ds][scenario]
            cmp = result["comparisons"][ds][scenario]
            runs = [r for r in result["runs"] if r["dataset"] == ds and r["scenario"] == scenario]
            gaps = [r["gaps"] for r in runs]
            added = [g["all"]["added"] for g in gaps]
            share = np.mean([g["all"]["added_share_of_observed"] for g in gaps])
            run_len = np.mean([g["all"]["mean_added_run_length"] for g in gaps])
            lines.append(f"### {d['label']}, {scenario_title(scenario, c)}")
            lines.append("")
            lines.append(
                f"Seeds {', '.join(map(str, c['seeds']))}; scored on the added gaps only: "
                f"{np.mean(added):,.0f} entries per seed ({share:.1%} of the observed "
                f"entries, mean run length {run_len:.3g}). MAE, RMSE and R² pool the "
                f"{len(d['columns'])} columns after min-max scaling. Mean ± sample std over "
                f"seeds.")
            notes = []
            if any(m in GAN_METHODS for m in c["methods"]):
                extra = "".join(f", {k}={v}" for k, v in c["gan_extra"].items())
                notes.append(f"GANs: GANImputer(generator=..., seed=seed{extra}), all else "
                             f"default")
            if any(m in PEER_METHODS for m in c["methods"]):
                notes.append(f"PyPOTS: window {c['peer_window']}, at most {c['peer_epochs']} "
                             f"epochs (patience 10), {c['peer_threads']} thread(s); their "
                             f"seconds are the peer's own fit + impute")
            if "knn" in c["methods"]:
                if c["knn_rows"] is not None and c["knn_rows"] < d["rows"]:
                    notes.append(f"KNN: k={c['knn_k']} on standardized columns, neighbours "
                                 f"drawn from a random subsample of {c['knn_rows']:,} of the "
                                 f"{d['rows']:,} rows (all rows imputed)")
                else:
                    notes.append(f"KNN: k={c['knn_k']} on standardized columns, all rows as "
                                 f"donors")
            if c["smoke"]:
                notes.append("SMOKE RUN: the figures mean nothing")
            if notes:
                lines.append("")
                lines.append("; ".join(notes) + ".")
            lines.append("")
            lines.append("| method | MAE (scaled) | RMSE (scaled) | R² (scaled) | seconds "
                         "(fit + transform) |")
            lines.append("|---|---|---|---|---|")
            for m in c["methods"]:
                s = res[m]
                label = LABELS[m] + ("" if s["integrity_ok"] else " **INTEGRITY FAILURE**")
                if s.get("cached_seeds"):
                    label += f" (cached: seeds {', '.join(map(str, s['cached_seeds']))})"
                lines.append(f"| {label} | {_pm(s['mae_scaled'])} | {_pm(s['rmse_scaled'])} | "
                             f"{_pm(s['r2_scaled'])} | {_pm(s['seconds'])} |")
            lines.append("")
            lines.append("RMSE per column, original units (mean over seeds):")
            lines.append("")
            lines.append("| method | " + " | ".join(d["columns"]) + " |")
            lines.append("|---|" + "---|" * len(d["columns"]))
            for m in c["methods"]:
                rb = res[m]["rmse_by_column"]
                lines.append(f"| {LABELS[m]} | " + " | ".join(fmt(rb[col]["mean"])
                                                              for col in d["columns"]) + " |")
            lines.append("")
            lines.extend(comparison_lines(cmp))
            lines.extend(method_detail_lines(runs, c["methods"]))
            warned = sorted({m for r in runs for m in c["methods"] if r["methods"][m]["warnings"]})
            if warned:
                lines.append(f"- warnings raised by: {', '.join(LABELS[m] for m in warned)} "
                             f"(messages in the JSON)")
            lines.append("")
    lines.extend(goals_lines(result))
    lines.append("")
    integ = result["integrity"]
    bad = {(f["dataset"], f["scenario"], f["seed"], f["method"]) for f in integ["failures"]}
    lines.append(
        f"Integrity: {integ['checks']} outputs checked (observed entries bit-identical, no "
        f"NaN/inf left, input untouched): "
        + ("all passed." if integ["ok"] else
           f"**{len(bad)} FAILED** with {len(integ['failures'])} problems (see stderr and the "
           f"JSON); a failed method is not eligible as the best reference or the better GAN."))
    return "\n".join(lines)


def _yes_no(v: dict | None) -> str:
    if v is None:
        return "–"
    if not v["eligible"]:
        return "n/a"
    tie = ", tie" if v["tie"] else ""
    return f"{'yes' if v['beats'] else 'no'} ({len(v['seeds_lower'])}/{v['n_seeds']}{tie})"


def goals_lines(result: dict) -> list[str]:
    goals = result["goals"]
    lines = ["## Goals", "",
             f"Goal of issue 18: the better of BiLSTM-GAN and MLP-GAN has a scaled RMSE ≤ "
             f"{GOAL_RATIO:.2f} × the best reference method's (of "
             f"{', '.join(LABELS[m] for m in REFERENCES)}; those run and passing the integrity "
             f"check), on the means over seeds. Yes/no cells: lower mean scaled RMSE (seeds "
             f"lower / seeds; \"tie\": the means differ by less than a relative {TIE_REL:g}, "
             f"float rounding).",
             "",
             "| data set | scenario | better GAN / best reference | ratio | goal | "
             "BiLSTM-GAN < interpolation | MLP-GAN < interpolation | BiLSTM-GAN < mean | "
             "MLP-GAN < mean | BiLSTM-GAN < MLP-GAN |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for ds in result["config"]["datasets"]:
        for scenario in result["config"]["scenarios"]:
            cmp = result["comparisons"][ds][scenario]
            beats = cmp["gan_beats"]
            pair = ratio = "–"
            if cmp["goal_met"] is not None:
                pair = f"{LABELS[cmp['better_gan']]} / {LABELS[cmp['best_reference']]}"
                ratio = f"{cmp['ratio']:.3f}"
            cells = [_yes_no(beats.get(g, {}).get(b)) for b in ("interpolate", "mean")
                     for g in COMPARED_GANS]
            cells.append(_yes_no(cmp.get("bilstm_beats_mlp")))
            lines.append(f"| {result['datasets'][ds]['label']} | {scenario} | {pair} | {ratio} "
                         f"| {goal_text(cmp)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Goal met on {goals['met']} of {goals['evaluated']} (data set, scenario) "
                 f"pairs" + (f"; {goals['not_evaluated']} could not be evaluated"
                             if goals["not_evaluated"] else "") + ".")
    return lines


# --------------------------------------------------------------------------- main


def run_method(method: str, gapped: pd.DataFrame, seed: int, args) -> dict:
    """One method on its own copy of the gapped frame, timed and checked. A peer that fails
    is recorded as a problem of that method; other methods' exceptions propagate."""
    given = gapped.copy(deep=True)  # a method that writes into its input harms no other
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        try:
            out, info = METHOD_FUNCS[method](given, seed, args)
        except Exception as exc:
            if method not in PEER_METHODS:
                raise
            out, info, error = None, {}, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    r = {"out": out, "info": info, "seconds": seconds, "warnings": messages}
    if method in PEER_METHODS:
        r["wall_seconds"] = seconds
        r["cached"] = bool(info.get("cached", False))
        peer_seconds = info.get("seconds")
        r["seconds"] = float(peer_seconds) if peer_seconds is not None else float("nan")
    if error is not None:
        r["error"] = error
        r["problems"] = [f"peer failed: {error.splitlines()[0]}"]
    else:
        r["problems"] = check_output(gapped, given, out)
    return r


def run_dataset(ds: str, truth: pd.DataFrame, args, failures: list) -> list[dict]:
    runs = []
    truth_bits = _bits(truth).copy()
    for scenario in args.scenarios:
        for seed in args.seeds:
            gapped, mask = make_gaps(scenario, truth, args.rate, args.block_len, seed)
            gaps = gap_stats(truth, gapped, mask)
            print(f"[{ds} {scenario} seed {seed}] {gaps['all']['added']:,} added gaps "
                  f"({gaps['all']['added_share_of_observed']:.1%} of observed, mean run "
                  f"{fmt(gaps['all']['mean_added_run_length'])})", flush=True)
            entry = {"dataset": ds, "scenario": scenario, "seed": seed, "gaps": gaps,
                     "methods": {}}
            for method in args.methods:
                r = run_method(method, gapped, seed, args)
                out = r.pop("out")
                if out is None:
                    r["scores"] = _nan_scores(truth.columns)
                else:
                    try:
                        r["scores"] = score(truth, out, mask)
                    except ValueError as exc:
                        if not r["problems"]:
                            raise
                        r["problems"].append(f"could not be scored: {exc}")
                        r["scores"] = _nan_scores(truth.columns)
                entry["methods"][method] = r
                o = r["scores"]["overall"]
                print(f"  {LABELS[method]:<22} {r['seconds']:9.2f} s  scaled RMSE "
                      f"{fmt(o['rmse_scaled'])}  MAE {fmt(o['mae_scaled'])}  R² "
                      f"{fmt(o['r2_scaled'])}" + ("  (cached)" if r.get("cached") else ""),
                      flush=True)
                for p in r["problems"]:
                    failures.append({"dataset": ds, "scenario": scenario, "seed": seed,
                                     "method": method, "problem": p})
                    print(f"!!! INTEGRITY FAILURE [{ds} {scenario} seed {seed} "
                          f"{LABELS[method]}]: {p}", file=sys.stderr, flush=True)
            if not np.array_equal(_bits(truth), truth_bits):
                raise RuntimeError("the true frame was modified during the run")
            runs.append(entry)
    return runs


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.merge:
        return merge(_csv(args.merge), args.out_json)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)

    import tensorflow as tf

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    config = {
        "datasets": args.datasets,
        "rows_requested": args.rows,
        "smoke": args.smoke,
        "scenarios": args.scenarios,
        "methods": args.methods,
        "seeds": args.seeds,
        "rate": args.rate,
        "block_len": args.block_len,
        "gan_extra": gan_extra(args),
        "max_steps": args.max_steps,
        "window": args.window,
        "knn_k": args.knn_k,
        "knn_rows": args.knn_rows,
        "peer_venv": args.peer_venv,
        "peer_cache": args.peer_cache,
        "peer_epochs": args.peer_epochs,
        "peer_window": args.peer_window,
        "peer_threads": args.peer_threads,
        "threads": args.threads,
        "reference_set": list(REFERENCES),
        "goal_ratio": GOAL_RATIO,
    }
    runs, failures, datasets = [], [], {}
    t_all = time.perf_counter()
    for ds in args.datasets:
        truth, info = load(ds, args.rows)
        datasets[ds] = info
        print(f"imputation benchmark, {info['label']}: {len(truth):,} rows × "
              f"{truth.shape[1]} columns, scenarios {args.scenarios}, methods {args.methods}, "
              f"seeds {args.seeds}" + (" [smoke]" if args.smoke else ""), flush=True)
        runs += run_dataset(ds, truth, args, failures)
    total_seconds = time.perf_counter() - t_all

    import sklearn

    result = {
        "benchmark": "imputation",
        "command": command,
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_info(**{"scikit-learn": sklearn.__version__}),
        "config": config,
        "datasets": datasets,
        "total_seconds": total_seconds,
        "integrity": {"ok": not failures, "checks": len(runs) * len(args.methods),
                      "failures": failures},
        "runs": runs,
    }
    return report(result, args.out_json)


def report(result: dict, out_json: str | None) -> int:
    """Summaries, comparisons and goals from ``result["runs"]``; print, write, exit status."""
    config, runs, datasets = result["config"], result["runs"], result["datasets"]
    summary, comparisons = {}, {}
    for ds in config["datasets"]:
        summary[ds], comparisons[ds] = {}, {}
        for scenario in config["scenarios"]:
            mine = [r for r in runs if r["dataset"] == ds and r["scenario"] == scenario]
            summary[ds][scenario] = summarize(mine, datasets[ds]["columns"], config["methods"])
            comparisons[ds][scenario] = compare(summary[ds][scenario], config["seeds"])
    flat = [comparisons[ds][s] for ds in config["datasets"] for s in config["scenarios"]]
    evaluated = [c for c in flat if c["goal_met"] is not None]
    result["summary"], result["comparisons"] = summary, comparisons
    result["goals"] = {"goal_ratio": GOAL_RATIO,
                       "met": sum(c["goal_met"] for c in evaluated),
                       "evaluated": len(evaluated),
                       "not_evaluated": len(flat) - len(evaluated),
                       "all_met": bool(evaluated) and len(evaluated) == len(flat)
                       and all(c["goal_met"] for c in evaluated)}
    print()
    print(markdown(result))
    print()
    print(f"command: {result['command']}")
    m = result["machine"]
    print(f"machine: {m['cpu_model']}, {m['nproc']} CPUs, {m['platform']}, TensorFlow "
          f"{m['tensorflow']}, scikit-learn {m['scikit-learn']}; {result['date']}; total "
          f"{result['total_seconds']:.0f} s")
    if out_json:
        write_json(Path(out_json), result)
    failures = result["integrity"]["failures"]
    if failures:
        print(f"\n!!! INTEGRITY FAILURE: {len(failures)} problem(s); see above. Exit status 1.",
              file=sys.stderr, flush=True)
        return 1
    return 0


def merge(paths: list[str], out_json: str | None) -> int:
    """One report from several runs of this script with the same gap settings (the gaps
    depend on the data set, scenario and seed alone, so the same key means the same gapped
    frame): methods are joined per (data set, scenario, seed), and only the keys that every
    method measured are kept."""
    parts = [json.loads(Path(p).read_text()) for p in paths]
    first = parts[0]
    for key in ("scenarios", "rate", "block_len", "rows_requested"):
        if any(p["config"][key] != first["config"][key] for p in parts):
            raise SystemExit(f"--merge: the files differ in {key}; only runs on the same gaps "
                             "can be joined")
    methods = [m for m in ALL_METHODS if any(m in p["config"]["methods"] for p in parts)]
    joined = {}
    for p in parts:
        for r in p["runs"]:
            key = (r["dataset"], r["scenario"], r["seed"])
            joined.setdefault(key, {**r, "methods": {}})["methods"].update(r["methods"])
    runs = [r for r in joined.values() if set(methods) <= set(r["methods"])]
    if not runs:
        raise SystemExit("--merge: no (data set, scenario, seed) was measured by every method")
    datasets = [d for d in dict.fromkeys(d for p in parts for d in p["config"]["datasets"])
                if any(r["dataset"] == d for r in runs)]
    seeds = sorted({r["seed"] for r in runs})
    kept = {(r["dataset"], r["scenario"], r["seed"]) for r in runs}
    failures = [f for p in parts for f in p["integrity"]["failures"]
                if (f.get("dataset"), f["scenario"], f["seed"]) in kept]
    result = {**first, "command": " + ".join(p["command"] for p in parts),
              "merged_from": [{"file": str(path), "command": p["command"], "date": p["date"]}
                              for path, p in zip(paths, parts, strict=True)],
              "config": {**first["config"], "datasets": datasets, "seeds": seeds,
                         "methods": methods},
              "datasets": {k: v for p in parts for k, v in p["datasets"].items()},
              "total_seconds": sum(p["total_seconds"] for p in parts),
              "integrity": {"ok": not failures,
                            "checks": sum(len(r["methods"]) for r in runs),
                            "failures": failures},
              "runs": runs}
    return report(result, out_json)


if __name__ == "__main__":
    sys.exit(main())
