"""Benchmark imputation on Beijing PM2.5: GAN imputers against classical baselines.

Data: ``tg.datasets.beijing_pm25()``, the columns ``pm2.5``, ``DEWP``, ``TEMP``, ``PRES`` and
``Iws`` (hourly, in time order, cast to float64; ``--rows`` keeps only the first N rows). The
natural gaps (2,067 in ``pm2.5``) stay in the data. They are never scored, because there is no
truth for them.

Scenarios, each repeated over ``--seeds``. On every (scenario, seed) all methods see the same
gapped frame:

* ``mcar``: ``tfgan_ts.masking.mcar`` removes ``--rate`` (0.2) of the observed entries, each
  entry independently at random;
* ``blocks``: ``tfgan_ts.masking.blocks`` removes ``--rate`` of the observed entries in runs
  of mean length ``--block-len`` (24 h).

Only the added gaps are scored (``tfgan_ts.masking.added_mask``), with
``tfgan_ts.evaluation.imputation_scores``. Its "overall" row pools the five columns after
min-max scaling. The per-column rows are on the original scale.

Methods. Each is fitted on the gapped frame and fills it (``fit_transform``):

* ``bilstm-gan``, ``mlp-gan``: ``tg.GANImputer(generator="bilstm"|"mlp", window, epochs,
  batch_size, seed)``, and ``stride`` when ``--stride`` is given. Flags left out keep
  GANImputer's defaults, and the parameters actually used go into the JSON. ``auto-gan``
  (``generator="auto"``, which picks one of the two on validation) can be requested but is
  not in the default set;
* ``mean``: scikit-learn ``SimpleImputer(strategy="mean")``;
* ``interpolate``: ``DataFrame.interpolate(method="linear", limit_direction="both")``, linear
  in time. The rows are a complete hourly grid, so row position is time;
* ``knn``: scikit-learn ``KNNImputer(n_neighbors=--knn-k)``. It runs on columns standardized
  with the mean and std of their observed entries. Its output is un-standardized and the
  observed entries are put back exactly, because the round trip through standardization
  changes the last bits. With ``--knn-rows N`` the neighbours come from N random rows (the
  donors), and every row is still imputed and scored;
* ``iterative``: scikit-learn ``IterativeImputer()`` (BayesianRidge, 10 rounds) with
  ``random_state=seed``.

Each method's seconds cover the whole fit + transform call, standardization included. After
every call the script checks that the output has the input's shape, index, columns and float64
dtype, that every entry observed in the input comes back bit-identical, that no NaN or inf is
left, and that the method did not modify its input. Any failure is printed to stderr at once,
marked in the tables and the JSON, and makes the script exit with status 1 after the report.

The report is one Markdown table per scenario. It gives the mean ± sample std over seeds of the
scaled MAE, RMSE and R² ("overall" row) and of the seconds, then the per-column RMSE in original
units. Under each table come the ratio of BiLSTM-GAN's scaled RMSE to the best non-GAN
baseline's, and whether BiLSTM-GAN's RMSE was lower than MLP-GAN's. ``--out-json`` writes every
per-seed figure together with the config, the command, the date and the machine.
``--smoke`` (2,000 rows, 2 GAN epochs, one seed) only checks that the script runs. Its
figures mean nothing.

    python benchmarks/imputation.py --out-json results/imputation.json
    python benchmarks/imputation.py --methods mean,interpolate,knn,iterative --seeds 0
    python benchmarks/imputation.py --smoke
"""

from __future__ import annotations

import argparse
import datetime
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import fmt, machine_info, write_json

COLUMNS = ("pm2.5", "DEWP", "TEMP", "PRES", "Iws")
SCENARIOS = ("mcar", "blocks")
DEFAULT_METHODS = ("bilstm-gan", "mlp-gan", "mean", "interpolate", "knn", "iterative")
OPTIONAL_METHODS = ("auto-gan",)
GAN_METHODS = {"bilstm-gan": "bilstm", "mlp-gan": "mlp", "auto-gan": "auto"}
BASELINES = ("mean", "interpolate", "knn", "iterative")
LABELS = {
    "bilstm-gan": "BiLSTM-GAN",
    "mlp-gan": "MLP-GAN",
    "auto-gan": "GAN (auto)",
    "mean": "column mean",
    "interpolate": "linear interpolation",
    "knn": "KNN",
    "iterative": "IterativeImputer",
}
SMOKE_ROWS = 2000
SMOKE_EPOCHS = 2
SCORE_FIELDS = ("mae_scaled", "rmse_scaled", "r2_scaled")


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure imputation quality on Beijing PM2.5 (pm2.5, DEWP, TEMP, PRES, "
                    "Iws): GANImputer (BiLSTM, MLP) against mean, linear interpolation, KNN "
                    "and IterativeImputer, on added MCAR and block gaps.",
    )
    p.add_argument("--methods", default=",".join(DEFAULT_METHODS),
                   help="comma-separated methods out of "
                        f"{', '.join(DEFAULT_METHODS + OPTIONAL_METHODS)} (default: all but "
                        "auto-gan)")
    p.add_argument("--scenarios", default=",".join(SCENARIOS),
                   help="comma-separated scenarios out of mcar, blocks (default: both)")
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds; each seed draws new gaps and seeds the methods "
                        "(default 0,1,2; 0 with --smoke)")
    p.add_argument("--rows", type=int, default=None,
                   help="use only the first N rows, in time order (default: all 43,824; "
                        f"{SMOKE_ROWS:,} with --smoke)")
    p.add_argument("--rate", type=float, default=0.2,
                   help="share of the observed entries removed in each scenario (default 0.2)")
    p.add_argument("--block-len", type=float, default=24.0,
                   help="mean gap length in rows (hours) in the blocks scenario (default 24)")
    p.add_argument("--epochs", type=int, default=None,
                   help="GANImputer epochs (default: GANImputer's own default; 2 with --smoke)")
    p.add_argument("--window", type=int, default=24,
                   help="GANImputer window, in rows (default 24)")
    p.add_argument("--batch-size", type=int, default=128,
                   help="GANImputer batch size (default 128)")
    p.add_argument("--stride", type=int, default=None,
                   help="GANImputer stride, rows between window starts (default: GANImputer's "
                        "own default); training time scales with 1/stride")
    p.add_argument("--knn-k", type=int, default=5, help="KNNImputer n_neighbors (default 5)")
    p.add_argument("--knn-rows", type=int, default=None,
                   help="KNN takes its neighbours from this many random rows (drawn with the "
                        "seed); every row is still imputed (default: all rows are donors)")
    p.add_argument("--threads", type=int, default=0,
                   help="TensorFlow intra- and inter-op threads (0: TensorFlow's default, the "
                        "default)")
    p.add_argument("--out-json", default=None,
                   help="write all figures to this JSON file (default: print only)")
    p.add_argument("--smoke", action="store_true",
                   help=f"tiny run ({SMOKE_ROWS:,} rows, {SMOKE_EPOCHS} GAN epochs, seed 0): "
                        "checks that the script runs, figures mean nothing")
    args = p.parse_args(argv)

    args.methods = _csv(args.methods)
    known = DEFAULT_METHODS + OPTIONAL_METHODS
    bad = [m for m in args.methods if m not in known]
    if bad or not args.methods:
        p.error(f"--methods: unknown {bad}, choose from {', '.join(known)}")
    args.methods = list(dict.fromkeys(args.methods))
    args.scenarios = _csv(args.scenarios)
    bad = [s for s in args.scenarios if s not in SCENARIOS]
    if bad or not args.scenarios:
        p.error(f"--scenarios: unknown {bad}, choose from {', '.join(SCENARIOS)}")
    args.scenarios = list(dict.fromkeys(args.scenarios))
    seeds = args.seeds if args.seeds is not None else ("0" if args.smoke else "0,1,2")
    try:
        args.seeds = list(dict.fromkeys(int(s) for s in _csv(seeds)))
    except ValueError:
        p.error(f"--seeds must be comma-separated integers, got {seeds!r}")
    if not args.seeds:
        p.error("--seeds: give at least one seed")
    if args.rows is None and args.smoke:
        args.rows = SMOKE_ROWS
    if args.epochs is None and args.smoke:
        args.epochs = SMOKE_EPOCHS
    for name in ("rows", "epochs", "window", "batch_size", "stride", "knn_k", "knn_rows"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if not 0.0 < args.rate < 1.0:
        p.error("--rate must be in (0, 1)")
    if args.block_len < 1:
        p.error("--block-len must be >= 1")
    return args


# --------------------------------------------------------------------------- machine




# --------------------------------------------------------------------------- data


def load(rows: int | None) -> pd.DataFrame:
    """The five columns as float64 (DEWP ships as int64), first ``rows`` rows, RangeIndex."""
    import tfgan_ts as tg

    df = tg.datasets.beijing_pm25()
    if not df["datetime"].is_monotonic_increasing:
        raise RuntimeError("beijing_pm25 rows are not in time order")
    if rows is not None:
        df = df.iloc[:rows]
    return df[list(COLUMNS)].astype("float64").reset_index(drop=True)


def make_gaps(scenario: str, truth: pd.DataFrame, rate: float, block_len: float, seed: int):
    from tfgan_ts.masking import added_mask, blocks, mcar

    if scenario == "mcar":
        gapped = mcar(truth, rate, seed)
    else:
        gapped = blocks(truth, rate, block_len, seed)
    gapped = gapped[list(COLUMNS)]
    mask = pd.DataFrame(np.asarray(added_mask(truth, gapped), dtype=bool), index=truth.index,
                        columns=truth.columns)
    return gapped, mask


def _run_lengths(mask: np.ndarray) -> np.ndarray:
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.diff(padded)
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)


def gap_stats(truth: pd.DataFrame, gapped: pd.DataFrame, mask: pd.DataFrame) -> dict:
    """What the masking actually did, per column: measured, not taken from the arguments."""
    out = {}
    for c in COLUMNS:
        m = mask[c].to_numpy(dtype=bool)
        runs = _run_lengths(m)
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


def impute_gan(generator: str):
    def run(gapped: pd.DataFrame, seed: int, args) -> tuple[pd.DataFrame, dict]:

        import tfgan_ts as tg

        kwargs = dict(generator=generator, window=args.window, batch_size=args.batch_size,
                      seed=seed, verbose=0)
        if args.epochs is not None:
            kwargs["epochs"] = args.epochs
        if args.stride is not None:
            kwargs["stride"] = args.stride
        imp = tg.GANImputer(**kwargs)  # seeded locally by seed=
        out = imp.fit_transform(gapped)
        if not isinstance(out, pd.DataFrame):
            out = _frame(np.asarray(out), gapped)
        params = imp.get_params() if hasattr(imp, "get_params") else kwargs
        info = {"params": {k: v for k, v in params.items()
                           if isinstance(v, (str, int, float, bool, type(None)))},
                "stride_": getattr(imp, "stride_", None)}
        if generator == "auto":
            info["generator_"] = getattr(imp, "generator_", None)
            info["validation_rmse_"] = getattr(imp, "validation_rmse_", None)
        return out, info

    return run


METHOD_FUNCS = {
    "bilstm-gan": impute_gan("bilstm"),
    "mlp-gan": impute_gan("mlp"),
    "auto-gan": impute_gan("auto"),
    "mean": impute_mean,
    "interpolate": impute_interpolate,
    "knn": impute_knn,
    "iterative": impute_iterative,
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
        "by_column": {c: records[c] for c in COLUMNS},
    }


def _stats(values: list[float]) -> dict:
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
    return {
        "mean": float(np.mean(arr)),
        "std": float(np.std(arr, ddof=1)) if len(arr) > 1 else None,
        "values": [float(v) for v in arr],
    }


def summarize(runs: list[dict], scenario: str, methods: list[str]) -> dict:
    mine = [r for r in runs if r["scenario"] == scenario]
    out = {"methods": {}}
    for m in methods:
        per_seed = [r["methods"][m] for r in mine]
        s = {"n_seeds": len(per_seed),
             "integrity_ok": all(not p["problems"] for p in per_seed),
             "seconds": _stats([p["seconds"] for p in per_seed])}
        for f in SCORE_FIELDS:
            s[f] = _stats([p["scores"]["overall"][f] for p in per_seed])
        s["rmse_by_column"] = {c: _stats([p["scores"]["by_column"][c]["rmse"]
                                          for p in per_seed]) for c in COLUMNS}
        out["methods"][m] = s
    res = out["methods"]
    # a baseline that failed the integrity check or has no score cannot be "the best"
    base = [m for m in methods if m in BASELINES and res[m]["integrity_ok"]
            and np.isfinite(res[m]["rmse_scaled"]["mean"])]
    cmp: dict = {}
    if base:
        best = min(base, key=lambda m: res[m]["rmse_scaled"]["mean"])
        cmp["best_baseline"] = best
        cmp["best_baseline_rmse_scaled"] = res[best]["rmse_scaled"]["mean"]
        if "bilstm-gan" in methods:
            b = res["bilstm-gan"]["rmse_scaled"]
            cmp["bilstm_over_best_baseline_rmse"] = b["mean"] / res[best]["rmse_scaled"]["mean"]
            # per seed: BiLSTM-GAN over that seed's best baseline
            cmp["bilstm_over_best_baseline_rmse_per_seed"] = [
                bv / min(res[m]["rmse_scaled"]["values"][i] for m in base)
                for i, bv in enumerate(b["values"])]
    if "bilstm-gan" in methods and "mlp-gan" in methods:
        b = res["bilstm-gan"]["rmse_scaled"]
        g = res["mlp-gan"]["rmse_scaled"]
        cmp["bilstm_beat_mlp"] = bool(b["mean"] < g["mean"])
        cmp["bilstm_lower_rmse_seeds"] = int(sum(
            x < y for x, y in zip(b["values"], g["values"], strict=True)))
        cmp["n_seeds"] = len(b["values"])
    out["comparisons"] = cmp
    return out


# --------------------------------------------------------------------------- report




def _pm(stat: dict) -> str:
    if stat["std"] is None:
        return fmt(stat["mean"])
    return f"{fmt(stat['mean'])} ± {stat['std']:.2g}"


def scenario_title(scenario: str, config: dict) -> str:
    pct = f"{config['rate']:.0%}"
    if scenario == "mcar":
        return f"mcar: {pct} of the observed entries removed at random"
    return (f"blocks: {pct} of the observed entries removed in gaps of mean length "
            f"{config['block_len']:g} h")


def markdown(result: dict) -> str:
    c = result["config"]
    lines = []
    for scenario in c["scenarios"]:
        summ = result["summary"][scenario]
        res, cmp = summ["methods"], summ["comparisons"]
        gaps = [r["gaps"] for r in result["runs"] if r["scenario"] == scenario]
        added = [g["all"]["added"] for g in gaps]
        share = np.mean([g["all"]["added_share_of_observed"] for g in gaps])
        run_len = np.mean([g["all"]["mean_added_run_length"] for g in gaps])
        lines.append(f"### {scenario_title(scenario, c)}")
        lines.append("")
        lines.append(
            f"Beijing PM2.5, {', '.join(COLUMNS)}: {c['rows']:,} hourly rows, "
            f"{c['natural_gaps']:,} natural gaps kept (not scored). Seeds "
            f"{', '.join(map(str, c['seeds']))}; scored on the added gaps only: "
            f"{np.mean(added):,.0f} entries per seed ({share:.1%} of the observed "
            f"entries, mean run length {run_len:.3g}). MAE, RMSE and R² pool the five columns "
            f"after min-max scaling. Mean ± sample std over seeds.")
        notes = []
        gan = next((r["methods"][m]["info"] for r in result["runs"] for m in c["methods"]
                    if m in GAN_METHODS), None)
        if gan is not None:
            gp = gan["params"]
            notes.append(f"GANs: epochs {gp.get('epochs')}, window {gp.get('window')}, stride "
                         f"{gan.get('stride_') or gp.get('stride')}, batch size "
                         f"{gp.get('batch_size')}")
        if "knn" in c["methods"]:
            if c["knn_rows"] is not None and c["knn_rows"] < c["rows"]:
                notes.append(f"KNN: k={c['knn_k']} on standardized columns, neighbours drawn "
                             f"from a random subsample of {c['knn_rows']:,} of the "
                             f"{c['rows']:,} rows (all rows imputed)")
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
            lines.append(f"| {label} | {_pm(s['mae_scaled'])} | {_pm(s['rmse_scaled'])} | "
                         f"{_pm(s['r2_scaled'])} | {_pm(s['seconds'])} |")
        lines.append("")
        lines.append("RMSE per column, original units (mean over seeds):")
        lines.append("")
        lines.append("| method | " + " | ".join(COLUMNS) + " |")
        lines.append("|---|" + "---|" * len(COLUMNS))
        for m in c["methods"]:
            rb = res[m]["rmse_by_column"]
            lines.append(f"| {LABELS[m]} | " + " | ".join(fmt(rb[col]["mean"])
                                                          for col in COLUMNS) + " |")
        lines.append("")
        if "bilstm_over_best_baseline_rmse" in cmp:
            per_seed = ", ".join(f"{v:.3g}" for v in cmp["bilstm_over_best_baseline_rmse_per_seed"])
            lines.append(
                f"- BiLSTM-GAN scaled RMSE / best non-GAN baseline's "
                f"({LABELS[cmp['best_baseline']]}, {fmt(cmp['best_baseline_rmse_scaled'])}): "
                f"**{cmp['bilstm_over_best_baseline_rmse']:.3g}** (ratio of the means; per "
                f"seed against that seed's best baseline: {per_seed}; below 1 means the GAN "
                f"had the lower RMSE)")
        elif "best_baseline" in cmp:
            lines.append(f"- best non-GAN baseline: {LABELS[cmp['best_baseline']]} (scaled "
                         f"RMSE {fmt(cmp['best_baseline_rmse_scaled'])}); BiLSTM-GAN not run")
        if "bilstm_beat_mlp" in cmp:
            lines.append(
                f"- BiLSTM-GAN beat MLP-GAN on scaled RMSE: "
                f"**{'yes' if cmp['bilstm_beat_mlp'] else 'no'}** "
                f"({_pm(res['bilstm-gan']['rmse_scaled'])} vs "
                f"{_pm(res['mlp-gan']['rmse_scaled'])}; lower on "
                f"{cmp['bilstm_lower_rmse_seeds']} of {cmp['n_seeds']} seeds)")
        if "auto-gan" in c["methods"]:
            picks = [r["methods"]["auto-gan"]["info"].get("generator_")
                     for r in result["runs"] if r["scenario"] == scenario]
            lines.append(f"- GAN (auto) chose: {', '.join(map(str, picks))} (per seed)")
        warned = sorted({m for r in result["runs"] if r["scenario"] == scenario
                         for m in c["methods"] if r["methods"][m]["warnings"]})
        if warned:
            lines.append(f"- warnings raised by: {', '.join(LABELS[m] for m in warned)} "
                         f"(messages in the JSON)")
        lines.append("")
    integ = result["integrity"]
    bad = {(f["scenario"], f["seed"], f["method"]) for f in integ["failures"]}
    lines.append(
        f"Integrity: {integ['checks']} outputs checked (observed entries bit-identical, no "
        f"NaN/inf left, input untouched): "
        + ("all passed." if integ["ok"] else
           f"**{len(bad)} FAILED** with {len(integ['failures'])} problems (see stderr and the "
           f"JSON); a failed baseline is not eligible as the best baseline."))
    return "\n".join(lines)




# --------------------------------------------------------------------------- main


def run_method(method: str, gapped: pd.DataFrame, seed: int, args) -> dict:
    """One method on its own copy of the gapped frame, timed and checked."""
    given = gapped.copy(deep=True)  # a method that writes into its input harms no other
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        out, info = METHOD_FUNCS[method](given, seed, args)
        seconds = time.perf_counter() - t0
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return {"out": out, "info": info, "seconds": seconds, "warnings": messages,
            "problems": check_output(gapped, given, out)}


def main(argv=None) -> int:
    args = parse_args(argv)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)

    import tensorflow as tf

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    truth = load(args.rows)
    truth_bits = _bits(truth).copy()
    natural = {c: int(truth[c].isna().sum()) for c in COLUMNS}
    config = {
        "dataset": "beijing_pm25",
        "columns": list(COLUMNS),
        "rows": len(truth),
        "natural_gaps": sum(natural.values()),
        "natural_gaps_by_column": natural,
        "smoke": args.smoke,
        "scenarios": args.scenarios,
        "methods": args.methods,
        "seeds": args.seeds,
        "rate": args.rate,
        "block_len": args.block_len,
        "gan_epochs": args.epochs,
        "window": args.window,
        "batch_size": args.batch_size,
        "stride": args.stride,
        "knn_k": args.knn_k,
        "knn_rows": args.knn_rows,
        "threads": args.threads,
    }
    print(f"imputation benchmark: {len(truth):,} rows × {len(COLUMNS)} columns, scenarios "
          f"{args.scenarios}, methods {args.methods}, seeds {args.seeds}"
          + (" [smoke]" if args.smoke else ""), flush=True)

    runs, failures = [], []
    t_all = time.perf_counter()
    for scenario in args.scenarios:
        for seed in args.seeds:
            gapped, mask = make_gaps(scenario, truth, args.rate, args.block_len, seed)
            gaps = gap_stats(truth, gapped, mask)
            print(f"[{scenario} seed {seed}] {gaps['all']['added']:,} added gaps "
                  f"({gaps['all']['added_share_of_observed']:.1%} of observed, mean run "
                  f"{fmt(gaps['all']['mean_added_run_length'])})", flush=True)
            entry = {"scenario": scenario, "seed": seed, "gaps": gaps, "methods": {}}
            for method in args.methods:
                r = run_method(method, gapped, seed, args)
                out = r.pop("out")
                try:
                    r["scores"] = score(truth, out, mask)
                except ValueError as exc:
                    if not r["problems"]:
                        raise
                    r["problems"].append(f"could not be scored: {exc}")
                    nan = {f: float("nan") for f in SCORE_FIELDS}
                    r["scores"] = {"overall": nan,
                                   "by_column": {c: {"rmse": float("nan")} for c in COLUMNS}}
                entry["methods"][method] = r
                o = r["scores"]["overall"]
                print(f"  {LABELS[method]:<22} {r['seconds']:9.2f} s  scaled RMSE "
                      f"{fmt(o['rmse_scaled'])}  MAE {fmt(o['mae_scaled'])}  R² "
                      f"{fmt(o['r2_scaled'])}", flush=True)
                for p in r["problems"]:
                    failures.append({"scenario": scenario, "seed": seed, "method": method,
                                     "problem": p})
                    print(f"!!! INTEGRITY FAILURE [{scenario} seed {seed} {LABELS[method]}]: "
                          f"{p}", file=sys.stderr, flush=True)
            if not np.array_equal(_bits(truth), truth_bits):
                raise RuntimeError("the true frame was modified during the run")
            runs.append(entry)
    total_seconds = time.perf_counter() - t_all

    import sklearn

    result = {
        "benchmark": "imputation",
        "command": command,
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_info(**{"scikit-learn": sklearn.__version__}),
        "config": config,
        "total_seconds": total_seconds,
        "summary": {s: summarize(runs, s, args.methods) for s in args.scenarios},
        "integrity": {"ok": not failures, "checks": len(runs) * len(args.methods),
                      "failures": failures},
        "runs": runs,
    }
    print()
    print(markdown(result))
    print()
    print(f"command: {command}")
    m = result["machine"]
    print(f"machine: {m['cpu_model']}, {m['nproc']} CPUs, {m['platform']}, TensorFlow "
          f"{m['tensorflow']}, scikit-learn {m['scikit-learn']}; {result['date']}; total "
          f"{total_seconds:.0f} s")
    if args.out_json:
        write_json(Path(args.out_json), result)
    if failures:
        print(f"\n!!! INTEGRITY FAILURE: {len(failures)} problem(s); see above. Exit status 1.",
              file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
