"""Benchmark oversampling on imbalanced data: does ``tg.GANOversampler`` beat SMOTE?

Data sets (bundled files, nothing downloaded; loaded by ``benchmarks/_oversampling_data.py``).
The minority class becomes the positive label 1, the rest 0. Where the minority is subsampled,
``round(share * n_rest / (1 - share))`` minority rows are drawn at random without
replacement, anew for every seed:

* ``breast_cancer``: ``load_breast_cancer``, malignant (target 0) vs benign (target 1); all
  357 benign rows kept and 19 of the 212 malignant ones (19/376 = 5.05 %);
* ``wine``: ``load_wine``, class 0 vs classes 1 and 2; all 119 rest rows kept and 13 of the 59
  class-0 ones (13/132 = 9.85 %);
* ``digits``: ``load_digits``, digit 0 vs the other nine digits, all rows (178/1797 = 9.91 %);
* ``pm25``: ``tg.datasets.beijing_pm25()`` (hourly, 2010-2014), the 41,757 of its 43,824
  hours with a pm2.5 reading; label: PM2.5 > 250 µg/m³ in that hour (3,053 hours, 7.31 %);
  features from the same hour's weather: DEWP, TEMP, PRES, Iws, Is, Ir, cbwd one-hot (NE, NW,
  SE, cv) and hour and month as sin/cos (14 columns). For speed, a stratified random 2,000 of
  those hours per seed (146 minority). Hours are drawn independently, so a test hour may have
  its neighbouring hour in the training split;
* ``digits5`` (not in the default set): as ``digits`` with 85 of the 178 zeros kept
  (85/1704 = 4.99 %).

Protocol, for every data set and seed: a stratified train/test split (``--test-size`` 0.3,
``random_state=seed``). The test split is never resampled. Each classifier is fitted as an
``imblearn.pipeline.Pipeline`` of ``StandardScaler`` -> sampler -> classifier, so resampling
happens only at fit and only on the training split, and the sampler sees standardized features
with every classifier (trees do not care about the scaling; the one-hot columns of ``pm25`` are
scaled and interpolated like the others). Samplers:

* ``none``: no sampler step;
* ``random``: ``RandomOverSampler(random_state=seed)``;
* ``smote``: ``SMOTE(k_neighbors=min(5, n_minority_train - 1), random_state=seed)``; the k
  used goes into the JSON and the table notes when it was below 5;
* ``gan``: ``tg.GANOversampler(sampling_strategy="auto", seed=seed, verbose=0, **kwargs)``:
  ``kwargs`` from ``--gan-kwargs '{"name": value, ...}'`` (JSON, so new parameters need no
  edit here) and the shortcuts ``--epochs``, ``--batch-size``, ``--steps-per-epoch``;
  otherwise the sampler's own defaults. The kwargs and every scalar parameter in force go
  into the JSON and the table.

Classifiers: ``logreg`` = ``LogisticRegression(max_iter=--max-iter)``; ``hgb`` =
``HistGradientBoostingClassifier(random_state=seed)``, scikit-learn defaults otherwise (its
``early_stopping="auto"`` is off below 10,000 rows, i.e. on every set here); the parameters in
force go into the JSON. Threads: unless ``OMP_NUM_THREADS`` is set, this script sets it to 1
before numpy and scikit-learn load: with 2 OpenMP threads spin-waiting on a shared, busy
2-CPU machine, HistGradientBoosting took 83 s on digits' 1,257 training rows (0.24 s with 1
thread, same predictions). It also limits OpenBLAS (numpy, LogisticRegression); TensorFlow's
threads (the GAN) follow ``TF_NUM_INTRAOP_THREADS`` / ``TF_NUM_INTEROP_THREADS``. The values
in force go into the JSON.

Metrics on the test split: F1 of the minority class (``f1_score(pos_label=1,
zero_division=0)``) and balanced accuracy; the JSON adds minority precision and recall. Every
sampler's ``fit_resample`` call inside the pipeline is timed (for ``gan`` that is the GAN's fit
plus generation) and its output counted; the classifier's fit and the pipeline's whole fit are
timed too. As a check on what the synthetic rows look like, the table gives the share of them
whose nearest original training row (Euclidean, standardized features) is of the minority
class; the data notes give the same share for the real minority rows, leave one out.
``GANOversampler(seed=seed)`` is seeded locally (weights, noise, batches), so both classifiers
see the same synthetic rows.

Report (printed, and beside ``--out-json`` as a ``.md`` file): per data set x classifier x
sampler, the mean ± sample std over seeds; per sampler, the plain average of the minority-F1
means over the data set x classifier cells; and the goal, GANOversampler vs SMOTE: mean
minority F1 over every set x classifier x seed >= SMOTE's, and per set x classifier pair mean
F1 >= SMOTE's on at least two thirds of the pairs (ties within 1e-12 count as >=), with the
per-seed wins, ties and losses. A sampler that raises is recorded with its traceback, printed
to stderr, and makes the script exit with status 1 after the report. ``--quick`` (one seed, 2
GAN epochs) only checks that the script runs; its figures mean nothing.

``--merge a.json,b.json`` runs nothing: it joins the runs of earlier result files (e.g. the
baselines run once, the GAN later; same ``--test-size`` and ``--max-iter``), refuses a
(data set, classifier, sampler, seed) present twice, and recomputes the summary and report;
comparisons use only the seeds both samplers ran.

    python benchmarks/oversampling.py --seeds 0,1,2 --out-json oversampling.json
    python benchmarks/oversampling.py --samplers none,random,smote --seeds 0,1,2 \\
        --out-json oversampling_baselines.json
    python benchmarks/oversampling.py --samplers gan --seeds 0,1,2 \\
        --gan-kwargs '{"epochs": 300}' --out-json oversampling_gan.json
    python benchmarks/oversampling.py --merge oversampling_baselines.json,oversampling_gan.json \\
        --out-json oversampling_merged.json
    python benchmarks/oversampling.py --quick --datasets pm25 --samplers gan
"""

from __future__ import annotations

import os

# before numpy / scikit-learn load their OpenMP and BLAS runtimes (see the docstring)
OMP_FROM_USER = os.environ.get("OMP_NUM_THREADS")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _common import fmt, machine_info, results_path, write_json  # noqa: E402
from _oversampling_data import (  # noqa: E402
    DATASETS,
    DEFAULT_DATASETS,
    MINORITY_SHARE,
    describe,
    load,
    split,
)
from _oversampling_data import LABELS as DATASET_LABELS  # noqa: E402

SAMPLERS = ("none", "random", "smote", "gan")
CLASSIFIERS = ("logreg", "hgb")
LABELS = {
    "none": "none", "random": "RandomOverSampler", "smote": "SMOTE", "gan": "GANOversampler",
    "logreg": "LogisticRegression", "hgb": "HistGradientBoosting", **DATASET_LABELS,
}
QUICK_EPOCHS = 2
METRICS = ("f1", "balanced_accuracy", "precision", "recall")
TIE_TOL = 1e-12
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _choices(p, flag: str, text: str, known: tuple[str, ...]) -> list[str]:
    """Parse a comma-separated flag, rejecting unknown or empty values."""
    values = list(dict.fromkeys(_csv(text)))
    bad = [v for v in values if v not in known]
    if bad or not values:
        p.error(f"{flag}: unknown {bad}, choose from {', '.join(known)}")
    return values


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not JSON ({exc}): {text!r}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"a JSON object {{...}} is needed, got {text!r}")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure whether oversampling the minority class (RandomOverSampler, "
                    "SMOTE, GANOversampler) helps LogisticRegression and "
                    "HistGradientBoosting on imbalanced data sets.")
    p.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                   help=f"comma-separated, out of {', '.join(DATASETS)} (default: all but "
                        "digits5)")
    p.add_argument("--samplers", default=",".join(SAMPLERS),
                   help=f"comma-separated, out of {', '.join(SAMPLERS)} (default: all)")
    p.add_argument("--classifiers", default=",".join(CLASSIFIERS),
                   help=f"comma-separated, out of {', '.join(CLASSIFIERS)} (default: both)")
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds; each draws the subsample, the split and seeds "
                        "every sampler and classifier (default 0,1,2,3,4; 0 with --quick)")
    p.add_argument("--gan-kwargs", type=_json_object, default={},
                   help="JSON object of further tg.GANOversampler arguments, e.g. "
                        "'{\"epochs\": 300, \"prior_weight\": 10}' (seed is set per run)")
    p.add_argument("--epochs", type=int, default=None,
                   help="shortcut for GANOversampler's epochs (default: its own; "
                        f"{QUICK_EPOCHS} with --quick if it has that parameter)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="shortcut for GANOversampler's batch_size (default: its own)")
    p.add_argument("--steps-per-epoch", type=int, default=None,
                   help="shortcut for GANOversampler's steps_per_epoch; 0 passes None "
                        "(default: its own)")
    p.add_argument("--test-size", type=float, default=0.3,
                   help="share of rows in the stratified test split (default 0.3)")
    p.add_argument("--max-iter", type=int, default=5000,
                   help="LogisticRegression max_iter (default 5000)")
    p.add_argument("--out-json", default=None,
                   help="write every figure to this JSON file and the report beside it as "
                        ".md; a bare file name goes to benchmarks/results/ (default: print "
                        "only)")
    p.add_argument("--merge", default=None,
                   help="comma-separated result JSONs of this script: run nothing, join their "
                        "runs and report them as one (with --out-json to save)")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke run (seed 0, {QUICK_EPOCHS} GAN epochs): checks that the "
                        "script runs, figures mean nothing")
    args = p.parse_args(argv)

    if args.merge is not None:
        args.merge = _csv(args.merge)
        if not args.merge:
            p.error("--merge: give at least one result file")
        return args
    args.datasets = _choices(p, "--datasets", args.datasets, DATASETS)
    args.samplers = _choices(p, "--samplers", args.samplers, SAMPLERS)
    args.classifiers = _choices(p, "--classifiers", args.classifiers, CLASSIFIERS)
    seeds = args.seeds if args.seeds is not None else ("0" if args.quick else "0,1,2,3,4")
    try:
        args.seeds = list(dict.fromkeys(int(s) for s in _csv(seeds)))
    except ValueError:
        p.error(f"--seeds must be comma-separated integers, got {seeds!r}")
    if not args.seeds:
        p.error("--seeds: give at least one seed")
    for name in ("epochs", "batch_size", "max_iter"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.steps_per_epoch is not None and args.steps_per_epoch < 0:
        p.error("--steps-per-epoch must be >= 0")
    if not 0.0 < args.test_size < 1.0:
        p.error("--test-size must be in (0, 1)")
    if "seed" in args.gan_kwargs:
        p.error("--gan-kwargs: seed is set per run from --seeds")
    for name in ("epochs", "batch_size", "steps_per_epoch"):
        value = getattr(args, name)
        if value is None:
            continue
        if name in args.gan_kwargs:
            p.error(f"--{name.replace('_', '-')} and --gan-kwargs both give {name}")
        args.gan_kwargs[name] = value or None  # --steps-per-epoch 0 -> None
    return args


# --------------------------------------------------------------------------- models


def make_sampler(name: str, n_minority_train: int, seed: int, args):
    """The sampler object (None for ``none``) and the settings it was built with."""
    if name == "none":
        return None, {}
    if name == "random":
        from imblearn.over_sampling import RandomOverSampler

        return RandomOverSampler(random_state=seed), {}
    if name == "smote":
        from imblearn.over_sampling import SMOTE

        k = min(5, n_minority_train - 1)
        if k < 1:
            raise ValueError(f"SMOTE needs >= 2 minority training rows, got {n_minority_train}")
        return SMOTE(k_neighbors=k, random_state=seed), {"k_neighbors": k}
    import tfgan_ts as tg

    kwargs = {"sampling_strategy": "auto", "seed": seed, "verbose": 0, **args.gan_kwargs}
    if args.quick and "epochs" not in kwargs and "epochs" in tg.GANOversampler().get_params():
        kwargs["epochs"] = QUICK_EPOCHS
    return tg.GANOversampler(**kwargs), {"kwargs": kwargs}


def make_classifier(name: str, seed: int, args):
    """LogisticRegression or HistGradientBoostingClassifier (scikit-learn defaults otherwise),
    seeded where it matters."""
    if name == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=args.max_iter)
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed)


def record_fit(classifier, log: dict) -> None:
    """Time the classifier's own ``fit`` inside the Pipeline (after scaling and resampling)."""
    inner = classifier.fit

    def fit(X, y, **params):
        t0 = time.perf_counter()
        out = inner(X, y, **params)
        log["clf_fit_seconds"] = time.perf_counter() - t0
        return out

    classifier.fit = fit


def record_resample(sampler, log: dict) -> None:
    """Time and count the sampler's ``fit_resample`` inside the Pipeline, which does not expose
    the resampled data; what it returns is passed through untouched."""
    inner = sampler.fit_resample

    def fit_resample(X, y, **params):
        t0 = time.perf_counter()
        X_res, y_res = inner(X, y, **params)
        log["seconds"] = time.perf_counter() - t0
        log.update(describe_resample(np.asarray(X), np.asarray(y), X_res, y_res))
        return X_res, y_res

    sampler.fit_resample = fit_resample


def describe_resample(X, y, X_res, y_res) -> dict:
    """Row counts per class before and after, and whether the output looks sane: finite, the
    original rows first and unchanged, synthetic values inside the training range."""
    X_res, y_res = np.asarray(X_res), np.asarray(y_res)
    counts = {str(c): int((y == c).sum()) for c in np.unique(y)}
    counts_res = {str(c): int((y_res == c).sum()) for c in np.unique(y_res)}
    out = {"n_in": len(y), "n_out": len(y_res), "counts_in": counts, "counts_out": counts_res,
           "finite": bool(np.isfinite(X_res).all()), "n_features_out": int(X_res.shape[1])}
    head = len(y) <= len(y_res) and X_res.shape[1] == X.shape[1]
    out["originals_first"] = bool(head and np.array_equal(X_res[:len(y)], X)
                                  and np.array_equal(y_res[:len(y)], y))
    if out["originals_first"] and len(y_res) > len(y):
        new = X_res[len(y):]
        lo, hi = X.min(axis=0), X.max(axis=0)
        out["synthetic_outside_train_range"] = float(((new < lo) | (new > hi)).mean())
        if out["finite"]:
            out.update(nn_agreement(X, y, new, y_res[len(y):]))
    return out


def nn_agreement(X, y, X_new, y_new) -> dict:
    """Share of synthetic rows whose nearest original row has their label, and (leave one
    out) of the original rows of those classes: a synthetic minority row among majority rows
    teaches the classifier the wrong boundary."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=2).fit(X)
    nearest = nn.kneighbors(X_new, n_neighbors=1, return_distance=False)[:, 0]
    own = np.isin(y, np.unique(y_new))
    loo = nn.kneighbors(X[own], n_neighbors=2, return_distance=False)[:, 1]
    return {"synthetic_1nn_same_class": float((y[nearest] == y_new).mean()),
            "original_1nn_same_class": float((y[loo] == y[own]).mean())}


def history_last(sampler) -> dict | None:
    """Last-epoch training metrics of a sampler with a Keras ``history_`` (the GAN)."""
    hist = getattr(getattr(sampler, "history_", None), "history", None)
    if not hist:
        return None
    return {k: float(v[-1]) for k, v in hist.items() if len(v)}


def simple_params(estimator) -> dict:
    """The estimator's scalar ``get_params()``, to record the settings actually in force."""
    return {k: v for k, v in estimator.get_params(deep=False).items()
            if isinstance(v, (str, int, float, bool, type(None)))}


def build(sampler, classifier):
    """StandardScaler -> sampler -> classifier; imblearn skips the sampler at predict."""
    from imblearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    steps = [("scale", StandardScaler())]
    if sampler is not None:
        steps.append(("sample", sampler))
    return Pipeline(steps + [("clf", classifier)])


def scores(y_true, y_pred) -> dict:
    """Minority (label 1) F1, precision, recall and balanced accuracy."""
    from sklearn.metrics import balanced_accuracy_score, f1_score, precision_score, recall_score

    return {
        "f1": float(f1_score(y_true, y_pred, pos_label=1, zero_division=0)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
        "precision": float(precision_score(y_true, y_pred, pos_label=1, zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, pos_label=1, zero_division=0)),
    }


def run_one(sampler_name: str, clf_name: str, data, seed: int, args) -> dict:
    """Fit one pipeline on the training split and score it on the test split; an exception
    is caught and recorded with its traceback."""
    X_tr, X_te, y_tr, y_te = data
    out: dict = {"sampler_info": {}, "resample": {}, "warnings": [], "error": None}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            sampler, out["sampler_info"] = make_sampler(sampler_name, int(y_tr.sum()), seed,
                                                        args)
            if sampler is not None:
                record_resample(sampler, out["resample"])
            classifier = make_classifier(clf_name, seed, args)
            out["classifier_params"] = simple_params(classifier)
            record_fit(classifier, out)
            pipe = build(sampler, classifier)
            t0 = time.perf_counter()
            pipe.fit(X_tr, y_tr)
            out["fit_seconds"] = time.perf_counter() - t0
            if sampler is not None:
                out["sampler_info"]["params"] = simple_params(sampler)
                out["sampler_info"]["history_last"] = history_last(sampler)
            pred = pipe.predict(X_te)
            out["scores"] = scores(y_te, pred)
            out["predicted_positive"] = int(pred.sum())
        except Exception as exc:  # one failing sampler must not end the run
            out["error"] = {"type": type(exc).__name__, "message": str(exc),
                            "traceback": traceback.format_exc()}
            out["scores"] = {m: float("nan") for m in METRICS}
    out["warnings"] = list(dict.fromkeys(f"{w.category.__name__}: {w.message}"
                                         for w in caught))
    return out


# --------------------------------------------------------------------------- summary


def _stats(values) -> dict:
    arr = np.asarray(values, dtype=np.float64)
    ok = arr[np.isfinite(arr)]
    return {"mean": float(ok.mean()) if len(ok) else float("nan"),
            "std": float(ok.std(ddof=1)) if len(ok) > 1 else None,
            "n": int(len(ok)), "values": [float(v) for v in arr]}


def _f1(r: dict) -> float:
    value = r["scores"]["f1"]
    return float("nan") if value is None else float(value)  # a JSON null was a NaN


def _cell_runs(runs, dataset, clf, sampler) -> list[dict]:
    """The seeds' results of one cell; a merged file may lack some."""
    return [r["results"][clf][sampler] for r in runs if r["dataset"] == dataset
            and sampler in r["results"].get(clf, {})]


def summarize(runs: list[dict], config: dict) -> dict:
    """Mean ± std per data set x classifier x sampler (cells that did not run are left out),
    per-sampler averages over the cells, and the GAN vs SMOTE goal."""
    cells = {}
    for d in config["datasets"]:
        for c in config["classifiers"]:
            for s in config["samplers"]:
                per_seed = _cell_runs(runs, d, c, s)
                if not per_seed:
                    continue
                cell = {m: _stats([p["scores"][m] for p in per_seed]) for m in METRICS}
                for key in ("fit_seconds", "clf_fit_seconds"):
                    cell[key] = _stats([p.get(key, np.nan) for p in per_seed])
                cell["resample_seconds"] = _stats([p["resample"].get("seconds", np.nan)
                                                   for p in per_seed])
                for key in ("synthetic_1nn_same_class", "original_1nn_same_class"):
                    cell[key] = _stats([p["resample"].get(key, np.nan) for p in per_seed])
                cell["errors"] = sum(p["error"] is not None for p in per_seed)
                cell["seeds"] = [r["seed"] for r in runs if r["dataset"] == d
                                 and s in r["results"].get(c, {})]
                cells[f"{d}|{c}|{s}"] = cell
    averages = {}
    for s in config["samplers"]:
        mine = [cell for key, cell in cells.items() if key.endswith(f"|{s}")]
        averages[s] = {m: float(np.mean([cell[m]["mean"] for cell in mine]))
                       for m in ("f1", "balanced_accuracy")}
        averages[s]["n_cells"] = len(mine)
    out = {"cells": cells, "averages": averages}
    if "gan" in config["samplers"] and "smote" in config["samplers"]:
        out["gan_vs_smote"] = compare(runs, config, "gan", "smote")
    return out


def compare(runs, config: dict, a: str, b: str) -> dict:
    """The goal, sampler ``a`` vs ``b`` on minority F1 over the (data set, classifier, seed)
    runs where both ran: the mean over all of them ``a`` >= ``b``, and per data set x
    classifier pair the mean ``a`` >= ``b`` on at least two thirds of the pairs (ties within
    ``TIE_TOL`` count as >=); plus the per-seed wins, ties and losses."""
    all_a, all_b, per_cell = [], [], {}
    skipped = unpaired = 0
    for d in config["datasets"]:
        for c in config["classifiers"]:
            fa_cell, fb_cell, tally = [], [], {"wins": 0, "ties": 0, "losses": 0}
            for r in runs:
                res = r["results"].get(c, {}) if r["dataset"] == d else {}
                if (a in res) != (b in res):
                    unpaired += 1
                if a not in res or b not in res:
                    continue
                fa, fb = _f1(res[a]), _f1(res[b])
                if not (np.isfinite(fa) and np.isfinite(fb)):
                    skipped += 1
                    continue
                fa_cell.append(fa)
                fb_cell.append(fb)
                tally["ties" if abs(fa - fb) <= TIE_TOL else
                      "wins" if fa > fb else "losses"] += 1
            if fa_cell:
                ma, mb = float(np.mean(fa_cell)), float(np.mean(fb_cell))
                per_cell[f"{d}|{c}"] = {**tally, "n": len(fa_cell), "mean_a": ma,
                                        "mean_b": mb, "a_ge_b": bool(ma >= mb - TIE_TOL)}
                all_a += fa_cell
                all_b += fb_cell
    n_pairs = len(per_cell)
    n_ge = sum(v["a_ge_b"] for v in per_cell.values())
    mean_a = float(np.mean(all_a)) if all_a else float("nan")
    mean_b = float(np.mean(all_b)) if all_b else float("nan")
    decided = bool(all_a) and not skipped
    mean_ok = bool(mean_a >= mean_b - TIE_TOL) if decided else None
    pairs_ok = bool(3 * n_ge >= 2 * n_pairs) if decided else None
    complete = decided and not unpaired  # the goal is over every set x classifier x seed
    return {"a": a, "b": b, "tolerance": TIE_TOL, "n_runs": len(all_a),
            "mean_f1_a": mean_a, "mean_f1_b": mean_b, "mean_a_ge_b": mean_ok,
            "n_pairs": n_pairs, "n_pairs_a_ge_b": n_ge, "pairs_needed": -(-2 * n_pairs // 3),
            "pairs_a_ge_b": pairs_ok, "goal_met": (mean_ok and pairs_ok) if complete else None,
            "wins": sum(v["wins"] for v in per_cell.values()),
            "ties": sum(v["ties"] for v in per_cell.values()),
            "losses": sum(v["losses"] for v in per_cell.values()),
            "skipped": skipped, "unpaired": unpaired, "per_cell": per_cell}


# --------------------------------------------------------------------------- report


def _pm(stat: dict) -> str:
    if not np.isfinite(stat["mean"]):
        return "failed"
    if stat["std"] is None:
        return f"{stat['mean']:.3f}"
    return f"{stat['mean']:.3f} ± {stat['std']:.3f}"


def _share(stat: dict) -> str:
    return "–" if not np.isfinite(stat["mean"]) else f"{stat['mean']:.0%}"


def _secs(stat: dict | None) -> str:
    return "–" if stat is None or not np.isfinite(stat["mean"]) else fmt(stat["mean"])


def _yes(value) -> str:
    return {True: "yes", False: "no", None: "undetermined"}[value]


def data_notes(result: dict) -> list[str]:
    """One line per data set: what it is, sizes of the (subsampled) data and of the splits."""
    lines = []
    for d in result["config"]["datasets"]:
        info = result["datasets"][d]
        ref = [p["resample"]["original_1nn_same_class"] for r in result["runs"]
               if r["dataset"] == d for by_sampler in r["results"].values()
               for p in by_sampler.values() if "original_1nn_same_class" in p["resample"]]
        ref_text = (f"; real minority training rows with a minority 1-NN (leave one out): "
                    f"{np.mean(ref):.0%}" if ref else "")
        about = f"{info['description']}: " if info.get("description") else ""
        lines.append(f"- {LABELS[d]}: {about}{info['n_rows']} rows, {info['n_minority']} "
                     f"minority ({info['minority_share']:.2%}); train {info['n_train']} rows "
                     f"({info['n_minority_train']} minority), test {info['n_test']} "
                     f"({info['n_minority_test']} minority); {info['n_features']} "
                     f"features{ref_text}")
    return lines


def goal_lines(c: dict, cmp: dict) -> list[str]:
    """The per-pair table and the goal's verdict with its counts."""
    lines = ["GANOversampler vs SMOTE, minority F1 per data set × classifier pair (W/T/L: "
             "seeds where the GAN was higher / equal / lower):", "",
             "| data set | classifier | seeds | GAN − SMOTE (mean F1) | GAN ≥ SMOTE | W/T/L |",
             "|---|---|---|---|---|---|"]
    for d in c["datasets"]:
        for cl in c["classifiers"]:
            t = cmp["per_cell"].get(f"{d}|{cl}")
            if t:
                lines.append(f"| {LABELS[d]} | {LABELS[cl]} | {t['n']} | "
                             f"{t['mean_a'] - t['mean_b']:+.3f} | {_yes(t['a_ge_b'])} | "
                             f"{t['wins']}/{t['ties']}/{t['losses']} |")
    notes = []
    if cmp["skipped"]:
        notes.append(f"{cmp['skipped']} run(s) skipped because a sampler failed, which leaves "
                     "the goal undetermined")
    if cmp["unpaired"]:
        notes.append(f"{cmp['unpaired']} run(s) of only one of the two left out, which "
                     "leaves the goal undetermined")
    n = cmp["wins"] + cmp["ties"] + cmp["losses"]
    lines += [
        "", f"**Goal, GANOversampler vs SMOTE: mean minority F1 over every set × classifier × "
        f"seed ≥ SMOTE's, and per set × classifier pair mean F1 ≥ SMOTE's on at least two "
        f"thirds of the pairs: {_yes(cmp['goal_met'])}** (ties within {cmp['tolerance']:g} "
        f"count as ≥)",
        f"- mean minority F1 over the {cmp['n_runs']} set × classifier × seed runs: GAN "
        f"{cmp['mean_f1_a']:.3f} vs SMOTE {cmp['mean_f1_b']:.3f}, ≥: "
        f"{_yes(cmp['mean_a_ge_b'])}",
        f"- pairs with GAN mean F1 ≥ SMOTE's: {cmp['n_pairs_a_ge_b']} of {cmp['n_pairs']} "
        f"(at least {cmp['pairs_needed']} needed): {_yes(cmp['pairs_a_ge_b'])}",
        f"- per seed: GAN higher in {cmp['wins']}, tied in {cmp['ties']}, lower in "
        f"{cmp['losses']} of {n}" + "".join(f"; {x}" for x in notes)]
    return lines


def _gan_params(result: dict) -> str:
    """The GANOversampler settings of the runs, as one sentence."""
    c = result["config"]
    seen = []
    for r in result["runs"]:
        for cl in c["classifiers"]:
            info = r["results"].get(cl, {}).get("gan", {}).get("sampler_info", {})
            params = {k: v for k, v in (info.get("params") or {}).items()
                      if k not in ("seed", "verbose")}
            if params and params not in seen:
                seen.append(params)
    if not seen:
        return ""
    text = (" GANOversampler parameters in force: "
            + ", ".join(f"{k}={v!r}" for k, v in seen[0].items()) + ".")
    kwargs = c.get("gan_kwargs")
    if kwargs:
        text += f" Set by --gan-kwargs and shortcuts: {json.dumps(kwargs)}; the rest defaults."
    if len(seen) > 1:
        text += f" (The runs differ: {len(seen)} parameter sets, see the JSON.)"
    return text


def coverage_note(result: dict) -> str:
    """A warning when the samplers did not all run on the same data set x classifier x seed
    combinations (a merge of partial runs)."""
    c, cells = result["config"], result["summary"]["cells"]
    full = len(c["datasets"]) * len(c["classifiers"]) * len(c["seeds"])
    ran = {s: sum(len(cell["seeds"]) for key, cell in cells.items() if key.endswith(f"|{s}"))
           for s in c["samplers"]}
    if all(v == full for v in ran.values()):
        return ""
    return ("Not every sampler ran on every data set × classifier × seed (out of "
            f"{full}): " + ", ".join(f"{LABELS[s]} {v}" for s, v in ran.items())
            + "; cells and averages use the runs there are.")


def markdown(result: dict) -> str:
    c, summ = result["config"], result["summary"]
    cells, avgs = summ["cells"], summ["averages"]
    lines = [f"Seeds {', '.join(map(str, c['seeds']))} (subsample, stratified "
             f"{1 - c['test_size']:.0%}/{c['test_size']:.0%} split, sampler and classifier "
             f"seeds). Pipeline StandardScaler -> sampler -> classifier, fitted on the train "
             f"split; scored on the untouched test split. Mean ± sample std over seeds."]
    lines[0] += _gan_params(result)
    k = sorted({r["results"][cl]["smote"]["sampler_info"].get("k_neighbors")
                for r in result["runs"] for cl in r["results"]
                if "smote" in r["results"][cl]} - {None})
    if k and k != [5]:
        lines[0] += f" SMOTE k_neighbors used: {', '.join(map(str, k))} (min(5, minority-1))."
    if c["quick"]:
        lines[0] += " QUICK RUN: the figures mean nothing."
    if coverage_note(result):
        lines[0] += " " + coverage_note(result)
    lines += ["", *data_notes(result), ""]
    lines.append("| data set | classifier | sampler | minority F1 | balanced accuracy | "
                 "synthetic rows with a minority 1-NN | resample s | classifier fit s |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for d in c["datasets"]:
        for cl in c["classifiers"]:
            for s in c["samplers"]:
                x = cells.get(f"{d}|{cl}|{s}")
                if x is None:
                    continue
                err = f" ({x['errors']} failed)" if x["errors"] else ""
                lines.append(f"| {LABELS[d]} | {LABELS[cl]} | {LABELS[s]}{err} | "
                             f"{_pm(x['f1'])} | {_pm(x['balanced_accuracy'])} | "
                             f"{_share(x['synthetic_1nn_same_class'])} | "
                             f"{_secs(x['resample_seconds'])} | "
                             f"{_secs(x.get('clf_fit_seconds'))} |")
    lines += ["", "Average over the data set × classifier cells (plain mean of the cell "
              "means):", "", "| sampler | cells | minority F1 | balanced accuracy |",
              "|---|---|---|---|"]
    for s in c["samplers"]:
        lines.append(f"| {LABELS[s]} | {avgs[s]['n_cells']} | {avgs[s]['f1']:.3f} | "
                     f"{avgs[s]['balanced_accuracy']:.3f} |")
    if summ.get("gan_vs_smote"):
        lines += ["", *goal_lines(c, summ["gan_vs_smote"])]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def code_state() -> dict:
    """SHA-256 of the GANOversampler file and of all tfgan_ts sources, read at start: the
    sampler and the GAN under it were changing while this benchmark ran, and the git commit
    (also read at start) misses a dirty tree."""
    import hashlib
    import inspect

    import tfgan_ts as tg

    root = Path(tg.__file__).parent
    package = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        package.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    out = {"tfgan_ts_sources_sha256": package.hexdigest(), "gan_file": None,
           "gan_file_sha256": None}
    try:
        path = Path(inspect.getsourcefile(tg.GANOversampler))
    except (AttributeError, TypeError):
        return out
    out["gan_file"] = str(path.relative_to(root.parent))
    out["gan_file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def dataset_info(name: str, X, y, data) -> dict:
    """What the data set is and the sizes of it and its split, for the report."""
    X_tr, X_te, y_tr, y_te = data
    return {"description": describe(name), "n_rows": len(y), "n_features": int(X.shape[1]),
            "n_minority": int(y.sum()), "minority_share": float(y.mean()),
            "n_train": len(y_tr), "n_minority_train": int(y_tr.sum()), "n_test": len(y_te),
            "n_minority_test": int(y_te.sum())}


def threads() -> dict:
    """The thread settings in force (see the module docstring)."""
    return {**{v: os.environ.get(v) for v in THREAD_VARS},
            "omp_set_by_script": OMP_FROM_USER is None}


def print_run(dataset: str, seed: int, clf: str, sampler: str, r: dict) -> None:
    """One progress line; the traceback of a failure goes to stderr."""
    s = r["scores"]
    extra = "".join(f"  {what} {r[key][sub] if sub else r[key]:.2f} s"
                    for what, key, sub in (("resample", "resample", "seconds"),
                                           ("clf fit", "clf_fit_seconds", None))
                    if (sub in r.get(key, {}) if sub else key in r))
    print(f"  {clf:<6} {sampler:<6} F1 {fmt(s['f1']):<6} bal.acc "
          f"{fmt(s['balanced_accuracy']):<6}{extra}", flush=True)
    if r["error"]:
        print(f"!!! FAILED [{dataset} seed {seed} {clf} {sampler}]:\n"
              f"{r['error']['traceback']}", file=sys.stderr, flush=True)


def run_all(args) -> tuple[list[dict], dict]:
    """Every data set x seed x classifier x sampler; the runs and the data sets' sizes."""
    runs, infos = [], {}
    for dataset in args.datasets:
        for seed in args.seeds:
            X, y = load(dataset, seed)
            data = split(X, y, args.test_size, seed)
            infos.setdefault(dataset, dataset_info(dataset, X, y, data))
            print(f"[{dataset} seed {seed}] {len(y)} rows, {int(y.sum())} minority; train "
                  f"minority {int(data[2].sum())}, test minority {int(data[3].sum())}",
                  flush=True)
            entry = {"dataset": dataset, "seed": seed, "results": {}}
            for clf in args.classifiers:
                entry["results"][clf] = {}
                for sampler in args.samplers:
                    r = run_one(sampler, clf, data, seed, args)
                    entry["results"][clf][sampler] = r
                    print_run(dataset, seed, clf, sampler, r)
            runs.append(entry)
    return runs, infos


def _rank(known: tuple[str, ...], value: str) -> tuple:
    return known.index(value) if value in known else len(known), value


def _ordered(known: tuple[str, ...], values) -> list:
    return sorted(set(values), key=lambda v: _rank(known, v))


def merge(paths: list[str], command: str) -> dict:
    """One result from the runs of several result files of this script (see the docstring)."""
    sources = []
    for text in paths:
        path = Path(text) if Path(text).exists() else results_path(text)
        res = json.loads(path.read_text())
        if res.get("benchmark") != "oversampling" or "merged_from" in res:
            raise SystemExit(f"--merge: {path} is not a (not merged) result of this script")
        sources.append((path, res))
    for key in ("test_size", "max_iter"):
        values = {res["config"][key] for _, res in sources}
        if len(values) > 1:
            raise SystemExit(f"--merge: the files differ in {key}: {sorted(values)}")
    entries, infos = {}, {}
    sizes = ("n_rows", "n_features", "n_minority", "n_train", "n_test")
    for path, res in sources:
        for d, info in res["datasets"].items():
            if any(infos.setdefault(d, info)[k] != info[k] for k in sizes):
                raise SystemExit(f"--merge: data set {d} has other sizes in {path}")
        for run in res["runs"]:
            key = (run["dataset"], run["seed"])
            entry = entries.setdefault(key, {"dataset": key[0], "seed": key[1], "results": {}})
            for clf, by_sampler in run["results"].items():
                for s, r in by_sampler.items():
                    if s in entry["results"].setdefault(clf, {}):
                        raise SystemExit(f"--merge: {key[0]} {clf} {s} seed {key[1]} is in "
                                         f"more than one file (again in {path})")
                    r["scores"] = {m: np.nan if v is None else v for m, v in r["scores"].items()}
                    entry["results"][clf][s] = r
    runs = sorted(entries.values(), key=lambda e: (_rank(DATASETS, e["dataset"]), e["seed"]))
    gan_kwargs = [res["config"].get("gan_kwargs") for _, res in sources
                  if "gan" in res["config"]["samplers"]]
    config = {
        "datasets": _ordered(DATASETS, [r["dataset"] for r in runs]),
        "classifiers": _ordered(CLASSIFIERS, [c for r in runs for c in r["results"]]),
        "samplers": _ordered(SAMPLERS, [s for r in runs for by in r["results"].values()
                                        for s in by]),
        "seeds": sorted({r["seed"] for r in runs}),
        "test_size": sources[0][1]["config"]["test_size"],
        "max_iter": sources[0][1]["config"]["max_iter"],
        "quick": any(res["config"]["quick"] for _, res in sources),
        "gan_kwargs": gan_kwargs[0] if len(gan_kwargs) == 1 else None,
    }
    keep = ("command", "date", "machine", "threads", "config", "total_seconds", "failures")
    return {
        "benchmark": "oversampling", "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "merged_from": [{"path": str(path), **{k: res.get(k) for k in keep}}
                        for path, res in sources],
        "config": config, "datasets": {d: infos[d] for d in config["datasets"]},
        "total_seconds": sum(res["total_seconds"] for _, res in sources),
        "summary": summarize(runs, config),
        "failures": sum(r["error"] is not None for e in runs for by in e["results"].values()
                        for r in by.values()),
        "runs": runs,
    }


def footer(result: dict) -> str:
    """Command, machine, threads and time of the run, or of each file merged."""
    def about(r: dict) -> str:
        m, t = r["machine"], r.get("threads")
        th = ", ".join(f"{k}={v}" for k, v in (t or {}).items() if k in THREAD_VARS and v)
        if t.get("omp_set_by_script"):
            th = th.replace("OMP_NUM_THREADS=1", "OMP_NUM_THREADS=1 (set by the script)")
        return (f"{m['cpu_model']}, {m['nproc']} CPUs, {m['platform']}, TensorFlow "
                f"{m['tensorflow']}, scikit-learn {m['scikit-learn']}, imbalanced-learn "
                f"{m['imbalanced-learn']}, commit {m['git_commit']}; "
                f"{th or ('threads: defaults' if t else 'threads not recorded')}"
                f"; {r['date']}; total {r['total_seconds']:.0f} s")

    if "merged_from" not in result:
        return f"command: {result['command']}\nmachine: {about(result)}"
    return "\n".join([f"command: {result['command']}, joining:",
                      *(f"- {s['path']}: {s['command']}\n  machine: {about(s)}"
                        for s in result["merged_from"])])


def main(argv=None) -> int:
    args = parse_args(argv)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    if args.merge:
        result = merge(args.merge, command)
    else:
        started = datetime.datetime.now(datetime.timezone.utc)
        import imblearn
        import sklearn

        # read before the run: the sources may change while it lasts
        machine = machine_info(**{"scikit-learn": sklearn.__version__,
                                  "imbalanced-learn": imblearn.__version__})
        source = code_state()
        print(f"oversampling benchmark: datasets {args.datasets}, samplers {args.samplers}, "
              f"classifiers {args.classifiers}, seeds {args.seeds}, GAN kwargs "
              f"{json.dumps(args.gan_kwargs)}" + (" [quick]" if args.quick else ""), flush=True)
        t_all = time.perf_counter()
        runs, infos = run_all(args)
        config = {**{k: v for k, v in vars(args).items() if k not in ("out_json", "merge")},
                  "minority_share_target": MINORITY_SHARE, "code": source,
                  "classifier_classes": {"logreg": "sklearn LogisticRegression",
                                         "hgb": "sklearn HistGradientBoostingClassifier"}}
        result = {
            "benchmark": "oversampling", "command": command,
            "date": started.isoformat(timespec="seconds"), "machine": machine,
            "threads": threads(), "config": config, "datasets": infos,
            "total_seconds": time.perf_counter() - t_all,
            "summary": summarize(runs, config),
            "failures": sum(r["error"] is not None for e in runs
                            for by in e["results"].values() for r in by.values()),
            "runs": runs,
        }
    report = markdown(result) + "\n\n" + footer(result)
    print("\n" + report)
    if args.out_json:
        path = results_path(args.out_json)
        write_json(path, result)
        path.with_suffix(".md").write_text(report + "\n")
        print(f"wrote {path.with_suffix('.md')}")
    if result["failures"]:
        print(f"\n!!! {result['failures']} run(s) failed; tracebacks above and in the JSON. "
              f"Exit status 1.", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
