"""Benchmark oversampling on imbalanced data: does ``tg.GANOversampler`` beat SMOTE?

Data sets (scikit-learn's bundled files, nothing downloaded). The minority class becomes the
positive label 1, the rest 0. Where the minority is subsampled, ``round(share * n_rest /
(1 - share))`` minority rows are drawn at random without replacement, anew for every seed:

* ``breast_cancer``: ``load_breast_cancer``, malignant (target 0) vs benign (target 1); all
  357 benign rows kept and 19 of the 212 malignant ones (19/376 = 5.05 %);
* ``wine``: ``load_wine``, class 0 vs classes 1 and 2; all 119 rest rows kept and 13 of the 59
  class-0 ones (13/132 = 9.85 %);
* ``digits``: ``load_digits``, digit 0 vs the other nine digits, all rows (178/1797 = 9.91 %);
* ``digits5`` (not in the default set): as ``digits`` with 85 of the 178 zeros kept
  (85/1704 = 4.99 %).

Protocol, for every data set and seed: a stratified train/test split (``--test-size`` 0.3,
``random_state=seed``). The test split is never resampled. Each classifier is fitted as an
``imblearn.pipeline.Pipeline`` of ``StandardScaler`` -> sampler -> classifier, so resampling
happens only at fit and only on the training split, and the sampler sees standardized features
with every classifier (trees do not care about the scaling). Samplers:

* ``none``: no sampler step;
* ``random``: ``RandomOverSampler(random_state=seed)``;
* ``smote``: ``SMOTE(k_neighbors=min(5, n_minority_train - 1), random_state=seed)``; the k
  used goes into the JSON and the table notes when it was below 5;
* ``gan``: ``tg.GANOversampler(sampling_strategy="auto", seed=seed, verbose=0)``, plus
  ``epochs``, ``batch_size`` and ``steps_per_epoch`` when their flags are given (otherwise the
  sampler's own defaults; the parameters in force go into the JSON and the table).

Classifiers: ``logreg`` = ``LogisticRegression(max_iter=--max-iter)``; ``hgb`` =
``HistGradientBoostingClassifier(random_state=seed)`` (scikit-learn defaults otherwise).
Metrics on the test split: F1 of the minority class (``f1_score(pos_label=1,
zero_division=0)``) and balanced accuracy; the JSON adds minority precision and recall. Every
sampler's ``fit_resample`` call inside the pipeline is timed (for ``gan`` that is the GAN's fit
plus generation) and its output counted; the pipeline's whole fit is timed too. As a check on
what the synthetic rows look like, the table gives the share of them whose nearest original
training row (Euclidean, standardized features) is of the minority class; the data notes give
the same share for the real minority rows, leave one out. ``GANOversampler(seed=seed)`` is
seeded locally (weights, noise, batches), so both classifiers see the same synthetic rows.

Report: per data set x classifier x sampler, the mean ± sample std over seeds; per sampler, the
plain average of the minority-F1 means over the data set x classifier cells; and GAN vs SMOTE
on minority F1: the two averages and the wins, ties and losses over every data set x classifier
x seed. A sampler that raises is recorded with its traceback, printed to stderr, and makes the
script exit with status 1 after the report. ``--quick`` (one seed, 2 GAN epochs) only checks
that the script runs; its figures mean nothing.

    python benchmarks/oversampling.py --out-json benchmarks/results/oversampling.json
    python benchmarks/oversampling.py --samplers none,random,smote --seeds 0,1
    python benchmarks/oversampling.py --quick
"""

from __future__ import annotations

import argparse
import datetime
import shlex
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
from _common import fmt, machine_info, write_json

DATASETS = ("breast_cancer", "wine", "digits", "digits5")
DEFAULT_DATASETS = ("breast_cancer", "wine", "digits")
SAMPLERS = ("none", "random", "smote", "gan")
CLASSIFIERS = ("logreg", "hgb")
LABELS = {
    "none": "none", "random": "RandomOverSampler", "smote": "SMOTE", "gan": "GANOversampler",
    "logreg": "LogisticRegression", "hgb": "HistGradientBoosting",
    "breast_cancer": "breast cancer", "wine": "wine (class 0)", "digits": "digits (0)",
    "digits5": "digits (0, 5 %)",
}
# (minority share to subsample to, or None to keep all; description for the table)
MINORITY_SHARE = {"breast_cancer": 0.05, "wine": 0.10, "digits": None, "digits5": 0.05}
QUICK_EPOCHS = 2
METRICS = ("f1", "balanced_accuracy", "precision", "recall")
TIE_TOL = 1e-12


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _choices(p, flag: str, text: str, known: tuple[str, ...]) -> list[str]:
    """Parse a comma-separated flag, rejecting unknown or empty values."""
    values = list(dict.fromkeys(_csv(text)))
    bad = [v for v in values if v not in known]
    if bad or not values:
        p.error(f"{flag}: unknown {bad}, choose from {', '.join(known)}")
    return values


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure whether oversampling the minority class (RandomOverSampler, "
                    "SMOTE, GANOversampler) helps LogisticRegression and "
                    "HistGradientBoosting on imbalanced scikit-learn data sets.")
    p.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                   help=f"comma-separated, out of {', '.join(DATASETS)} (default: all but "
                        "digits5)")
    p.add_argument("--samplers", default=",".join(SAMPLERS),
                   help=f"comma-separated, out of {', '.join(SAMPLERS)} (default: all)")
    p.add_argument("--classifiers", default=",".join(CLASSIFIERS),
                   help=f"comma-separated, out of {', '.join(CLASSIFIERS)} (default: both)")
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds; each draws the minority subsample, the split "
                        "and seeds every sampler and classifier (default 0,1,2,3,4; 0 with "
                        "--quick)")
    p.add_argument("--epochs", type=int, default=None,
                   help="GANOversampler epochs (default: GANOversampler's own; "
                        f"{QUICK_EPOCHS} with --quick)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="GANOversampler batch size (default: GANOversampler's own)")
    p.add_argument("--steps-per-epoch", type=int, default=None,
                   help="GANOversampler steps_per_epoch; 0 passes None, i.e. "
                        "max(1, n // batch_size) (default: GANOversampler's own)")
    p.add_argument("--test-size", type=float, default=0.3,
                   help="share of rows in the stratified test split (default 0.3)")
    p.add_argument("--max-iter", type=int, default=5000,
                   help="LogisticRegression max_iter (default 5000)")
    p.add_argument("--out-json", default=None,
                   help="write every figure to this JSON file, e.g. "
                        "benchmarks/results/oversampling.json (default: print only)")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke run (seed 0, {QUICK_EPOCHS} GAN epochs): checks that the "
                        "script runs, figures mean nothing")
    args = p.parse_args(argv)

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
    if args.epochs is None and args.quick:
        args.epochs = QUICK_EPOCHS
    for name in ("epochs", "batch_size", "max_iter"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.steps_per_epoch is not None and args.steps_per_epoch < 0:
        p.error("--steps-per-epoch must be >= 0")
    if not 0.0 < args.test_size < 1.0:
        p.error("--test-size must be in (0, 1)")
    return args


# --------------------------------------------------------------------------- data


def _binary(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Features and 0/1 labels, 1 = the minority class of interest."""
    from sklearn import datasets

    if name == "breast_cancer":
        bunch = datasets.load_breast_cancer()
        return bunch.data, (bunch.target == 0).astype(np.int64)  # 0 is malignant
    if name == "wine":
        bunch = datasets.load_wine()
        return bunch.data, (bunch.target == 0).astype(np.int64)
    bunch = datasets.load_digits()
    return bunch.data, (bunch.target == 0).astype(np.int64)


def minority_keep(n_rest: int, share: float | None, n_minority: int) -> int:
    """How many minority rows make them ``share`` of all rows (all of them when None)."""
    if share is None:
        return n_minority
    return min(n_minority, int(round(share * n_rest / (1.0 - share))))


def load(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The data set as float64 features and 0/1 labels, minority subsampled with ``seed``."""
    X, y = _binary(name)
    minority = np.flatnonzero(y == 1)
    keep = minority_keep(int((y == 0).sum()), MINORITY_SHARE[name], len(minority))
    if keep < len(minority):
        drawn = np.random.default_rng(seed).choice(minority, keep, replace=False)
        rows = np.sort(np.concatenate([np.flatnonzero(y == 0), drawn]))
        X, y = X[rows], y[rows]
    return X.astype(np.float64), y


def split(X, y, test_size: float, seed: int):
    """Stratified train/test split; the test part is only ever predicted on."""
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)


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

    kwargs = dict(sampling_strategy="auto", seed=seed, verbose=0)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) is not None:
            kwargs[name] = getattr(args, name)
    if args.steps_per_epoch is not None:
        kwargs["steps_per_epoch"] = args.steps_per_epoch or None
    return tg.GANOversampler(**kwargs), {"kwargs": kwargs}


def make_classifier(name: str, seed: int, args):
    """LogisticRegression or HistGradientBoostingClassifier, seeded where it matters."""
    if name == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=args.max_iter)
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed)


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
            pipe = build(sampler, make_classifier(clf_name, seed, args))
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


def _cell_runs(runs, dataset, clf, sampler) -> list[dict]:
    return [r["results"][clf][sampler] for r in runs if r["dataset"] == dataset]


def summarize(runs: list[dict], args) -> dict:
    """Mean ± std per data set x classifier x sampler, per-sampler averages over the cells,
    and GAN vs SMOTE wins/ties/losses on minority F1 over every cell and seed."""
    cells = {}
    for d in args.datasets:
        for c in args.classifiers:
            for s in args.samplers:
                per_seed = _cell_runs(runs, d, c, s)
                cell = {m: _stats([p["scores"][m] for p in per_seed]) for m in METRICS}
                cell["fit_seconds"] = _stats([p.get("fit_seconds", np.nan) for p in per_seed])
                cell["resample_seconds"] = _stats([p["resample"].get("seconds", np.nan)
                                                   for p in per_seed])
                for key in ("synthetic_1nn_same_class", "original_1nn_same_class"):
                    cell[key] = _stats([p["resample"].get(key, np.nan) for p in per_seed])
                cell["errors"] = sum(p["error"] is not None for p in per_seed)
                cells[f"{d}|{c}|{s}"] = cell
    averages = {}
    for s in args.samplers:
        means = [cells[f"{d}|{c}|{s}"]["f1"]["mean"] for d in args.datasets
                 for c in args.classifiers]
        bas = [cells[f"{d}|{c}|{s}"]["balanced_accuracy"]["mean"] for d in args.datasets
               for c in args.classifiers]
        averages[s] = {"f1": float(np.mean(means)), "balanced_accuracy": float(np.mean(bas)),
                       "n_cells": len(means)}
    out = {"cells": cells, "averages": averages}
    if "gan" in args.samplers and "smote" in args.samplers:
        out["gan_vs_smote"] = compare(runs, args, "gan", "smote", averages)
    return out


def compare(runs, args, a: str, b: str, averages: dict) -> dict:
    """Sampler ``a`` against ``b`` on minority F1, per data set x classifier x seed."""
    wins = ties = losses = skipped = 0
    per_cell = {}
    for d in args.datasets:
        for c in args.classifiers:
            w = t = lo = 0
            for p in (r["results"][c] for r in runs if r["dataset"] == d):
                fa, fb = p[a]["scores"]["f1"], p[b]["scores"]["f1"]
                if not (np.isfinite(fa) and np.isfinite(fb)):
                    skipped += 1
                elif abs(fa - fb) <= TIE_TOL:
                    t += 1
                elif fa > fb:
                    w += 1
                else:
                    lo += 1
            per_cell[f"{d}|{c}"] = {"wins": w, "ties": t, "losses": lo}
            wins, ties, losses = wins + w, ties + t, losses + lo
    fa, fb = averages[a]["f1"], averages[b]["f1"]
    decided = not skipped and np.isfinite(fa) and np.isfinite(fb)
    return {"a": a, "b": b, "avg_f1_a": fa, "avg_f1_b": fb,
            "a_ge_b": bool(fa >= fb) if decided else None,
            "wins": wins, "ties": ties, "losses": losses, "skipped": skipped,
            "per_cell": per_cell}


# --------------------------------------------------------------------------- report


def _pm(stat: dict) -> str:
    if not np.isfinite(stat["mean"]):
        return "failed"
    if stat["std"] is None:
        return f"{stat['mean']:.3f}"
    return f"{stat['mean']:.3f} ± {stat['std']:.3f}"


def _share(stat: dict) -> str:
    return "–" if not np.isfinite(stat["mean"]) else f"{stat['mean']:.0%}"


def _secs(stat: dict) -> str:
    return "–" if not np.isfinite(stat["mean"]) else fmt(stat["mean"])


def data_notes(result: dict) -> list[str]:
    """One line per data set: sizes of the (subsampled) data and of the splits."""
    lines = []
    for d in result["config"]["datasets"]:
        info = result["datasets"][d]
        ref = [p["resample"]["original_1nn_same_class"] for r in result["runs"]
               if r["dataset"] == d for p in r["results"][result["config"]["classifiers"][0]]
               .values() if "original_1nn_same_class" in p["resample"]]
        ref_text = (f"; real minority training rows with a minority 1-NN (leave one out): "
                    f"{np.mean(ref):.0%}" if ref else "")
        lines.append(f"- {LABELS[d]}: {info['n_rows']} rows, {info['n_minority']} minority "
                     f"({info['minority_share']:.2%}); train {info['n_train']} rows "
                     f"({info['n_minority_train']} minority), test {info['n_test']} "
                     f"({info['n_minority_test']} minority); {info['n_features']} "
                     f"features{ref_text}")
    return lines


def comparison_table(c: dict, cells: dict, cmp: dict) -> list[str]:
    """GAN minus SMOTE minority F1 per data set x classifier, with the per-seed tally."""
    lines = ["GANOversampler vs SMOTE, minority F1 per cell (W/T/L: seeds where the GAN was "
             "higher / equal / lower):", "",
             "| data set | classifier | GAN − SMOTE (mean F1) | W/T/L |", "|---|---|---|---|"]
    for d in c["datasets"]:
        for cl in c["classifiers"]:
            diff = cells[f"{d}|{cl}|gan"]["f1"]["mean"] - cells[f"{d}|{cl}|smote"]["f1"]["mean"]
            t = cmp["per_cell"][f"{d}|{cl}"]
            shown = f"{diff:+.3f}" if np.isfinite(diff) else "–"
            lines.append(f"| {LABELS[d]} | {LABELS[cl]} | {shown} | "
                         f"{t['wins']}/{t['ties']}/{t['losses']} |")
    return lines


def markdown(result: dict) -> str:
    c, summ = result["config"], result["summary"]
    cells, avgs = summ["cells"], summ["averages"]
    lines = [f"Seeds {', '.join(map(str, c['seeds']))} (minority subsample, stratified "
             f"{1 - c['test_size']:.0%}/{c['test_size']:.0%} split, sampler and classifier "
             f"seeds). Pipeline StandardScaler -> sampler -> classifier, fitted on the train "
             f"split; scored on the untouched test split. Mean ± sample std over seeds."]
    gan = next((r["results"][cl]["gan"]["sampler_info"].get("params") for r in result["runs"]
                for cl in c["classifiers"] if "gan" in r["results"][cl]), None)
    if gan:
        lines[0] += (f" GANOversampler: epochs {gan['epochs']}, steps per epoch "
                     f"{gan['steps_per_epoch']}, batch size {gan['batch_size']}, learning rate "
                     f"{gan['learning_rate']:g}, sampling_strategy \"{gan['sampling_strategy']}\" "
                     f"(its defaults unless flags said otherwise).")
    k = sorted({r["results"][cl]["smote"]["sampler_info"].get("k_neighbors")
                for r in result["runs"] for cl in c["classifiers"]
                if "smote" in r["results"][cl]} - {None})
    if k and k != [5]:
        lines[0] += f" SMOTE k_neighbors used: {', '.join(map(str, k))} (min(5, minority-1))."
    if c["quick"]:
        lines[0] += " QUICK RUN: the figures mean nothing."
    lines += ["", *data_notes(result), ""]
    lines.append("| data set | classifier | sampler | minority F1 | balanced accuracy | "
                 "synthetic rows with a minority 1-NN | resample s | fit s (pipeline) |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for d in c["datasets"]:
        for cl in c["classifiers"]:
            for s in c["samplers"]:
                x = cells[f"{d}|{cl}|{s}"]
                err = f" ({x['errors']} failed)" if x["errors"] else ""
                lines.append(f"| {LABELS[d]} | {LABELS[cl]} | {LABELS[s]}{err} | "
                             f"{_pm(x['f1'])} | {_pm(x['balanced_accuracy'])} | "
                             f"{_share(x['synthetic_1nn_same_class'])} | "
                             f"{_secs(x['resample_seconds'])} | {_secs(x['fit_seconds'])} |")
    lines += ["", f"Average over the {len(c['datasets']) * len(c['classifiers'])} data set × "
              f"classifier cells (plain mean of the cell means):", "",
              "| sampler | minority F1 | balanced accuracy |", "|---|---|---|"]
    for s in c["samplers"]:
        lines.append(f"| {LABELS[s]} | {avgs[s]['f1']:.3f} | "
                     f"{avgs[s]['balanced_accuracy']:.3f} |")
    cmp = summ.get("gan_vs_smote")
    if cmp:
        lines += ["", *comparison_table(c, cells, cmp)]
        n = cmp["wins"] + cmp["ties"] + cmp["losses"]
        verdict = {True: "yes", False: "no", None: "undetermined"}[cmp["a_ge_b"]]
        lines += ["", f"**GANOversampler ≥ SMOTE on average minority F1: {verdict}** "
                  f"({cmp['avg_f1_a']:.3f} vs {cmp['avg_f1_b']:.3f}). Per data set × "
                  f"classifier × seed: GAN higher F1 in {cmp['wins']}, tied in {cmp['ties']}, "
                  f"lower in {cmp['losses']} of {n}"
                  + (f" ({cmp['skipped']} skipped: a sampler failed)" if cmp["skipped"] else "")
                  + "."]
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


def dataset_info(X, y, data) -> dict:
    """Sizes of the data set and its split, for the report."""
    X_tr, X_te, y_tr, y_te = data
    return {"n_rows": len(y), "n_features": int(X.shape[1]), "n_minority": int(y.sum()),
            "minority_share": float(y.mean()), "n_train": len(y_tr),
            "n_minority_train": int(y_tr.sum()), "n_test": len(y_te),
            "n_minority_test": int(y_te.sum())}


def print_run(dataset: str, seed: int, clf: str, sampler: str, r: dict) -> None:
    """One progress line; the traceback of a failure goes to stderr."""
    s = r["scores"]
    extra = f"  resample {r['resample']['seconds']:.2f} s" if "seconds" in r["resample"] else ""
    print(f"  {clf:<6} {sampler:<6} F1 {fmt(s['f1']):<6} bal.acc "
          f"{fmt(s['balanced_accuracy']):<6}{extra}", flush=True)
    if r["error"]:
        print(f"!!! FAILED [{dataset} seed {seed} {clf} {sampler}]:\n"
              f"{r['error']['traceback']}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    import imblearn
    import sklearn

    # read before the run: the sources may change while it lasts
    machine = machine_info(**{"scikit-learn": sklearn.__version__,
                              "imbalanced-learn": imblearn.__version__})
    source = code_state()
    print(f"oversampling benchmark: datasets {args.datasets}, samplers {args.samplers}, "
          f"classifiers {args.classifiers}, seeds {args.seeds}, GAN epochs "
          f"{args.epochs or '(default)'}"
          + (" [quick]" if args.quick else ""), flush=True)

    runs, infos, failures = [], {}, 0
    t_all = time.perf_counter()
    for dataset in args.datasets:
        for seed in args.seeds:
            X, y = load(dataset, seed)
            data = split(X, y, args.test_size, seed)
            infos.setdefault(dataset, dataset_info(X, y, data))
            print(f"[{dataset} seed {seed}] {len(y)} rows, {int(y.sum())} minority; train "
                  f"minority {int(data[2].sum())}, test minority {int(data[3].sum())}",
                  flush=True)
            entry = {"dataset": dataset, "seed": seed, "results": {}}
            for clf in args.classifiers:
                entry["results"][clf] = {}
                for sampler in args.samplers:
                    r = run_one(sampler, clf, data, seed, args)
                    entry["results"][clf][sampler] = r
                    failures += r["error"] is not None
                    print_run(dataset, seed, clf, sampler, r)
            runs.append(entry)
    total_seconds = time.perf_counter() - t_all

    result = {
        "benchmark": "oversampling",
        "command": command,
        "date": started.isoformat(timespec="seconds"),
        "machine": machine,
        "config": {**{k: v for k, v in vars(args).items() if k != "out_json"},
                   "minority_share_target": MINORITY_SHARE,
                   "code": source,
                   "classifier_classes": {"logreg": "sklearn LogisticRegression",
                                          "hgb": "sklearn HistGradientBoostingClassifier"}},
        "datasets": infos,
        "total_seconds": total_seconds,
        "summary": summarize(runs, args),
        "failures": failures,
        "runs": runs,
    }
    print()
    print(markdown(result))
    print()
    print(f"command: {command}")
    m = result["machine"]
    print(f"machine: {m['cpu_model']}, {m['nproc']} CPUs, {m['platform']}, TensorFlow "
          f"{m['tensorflow']}, scikit-learn {m['scikit-learn']}, imbalanced-learn "
          f"{m['imbalanced-learn']}; {result['date']}; total {total_seconds:.0f} s")
    if args.out_json:
        write_json(Path(args.out_json), result)
    if failures:
        print(f"\n!!! {failures} run(s) failed; tracebacks above and in the JSON. Exit status "
              f"1.", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
