"""Benchmark "virtual experiment data": a conditional tabular GAN learns a small real experiment
table and generates many virtual rows conditioned on a factor level.

Data: scikit-learn's bundled tables, no download.

* ``diabetes``: ``load_diabetes(as_frame=True, scaled=False)``, 442 patients, 10 baseline
  variables and the disease progression ``target``; factor ``sex`` (1/2, cast to int);
* ``wine``: ``load_wine(as_frame=True)``, 178 wines, 13 chemical measurements; factor
  ``target`` (cultivar 0/1/2).

For every seed the rows are split into train and holdout (``--holdout`` 0.3, stratified on the
factor, ``random_state=seed``). Each method is fitted on train only, then draws

* as many rows as the holdout, unconditionally, compared with the holdout
  (``tfgan_ts.evaluation.tabular_fidelity``, the factor taken as discrete);
* per factor level, as many rows of that level as the holdout has, compared with the holdout
  rows of that level (factor column dropped: it is constant there).

Methods (same split, same row counts):

* ``gan``: ``tg.TabularGAN(conditions=[factor], seed=seed)``, ``compile()`` defaults,
  ``fit(train, epochs, batch_size)``; ``generate(n, seed)`` and ``generate(n, conditions=
  {factor: level}, seed)``;
* ``train``: real train rows, drawn without replacement (with replacement only if train is
  short) — the ceiling: a generator cannot beat fresh real rows from the same population;
* ``independent``: every column bootstrapped on its own from the train rows of the factor
  level (the level itself bootstrapped for unconditional rows): right marginals within each
  level, no dependence between the other columns;
* ``copula``: ``tg.GaussianCopula(conditions=[factor])``, one copula per factor level
  (normal scores of the ranks, their correlation shrunk by 1e-3 towards the identity (or
  by Ledoit-Wolf: ``--copula-shrinkage``), empirical quantiles back), the level drawn
  from the train frequencies for unconditional rows.

Figures: column similarity (mean over columns of 1 − KS statistic, or 1 − TVD for the
factor), correlation difference (mean |Δ Pearson| over pairs of continuous columns),
association difference (mean |Δ normalized mutual information| over all pairs, 10 shared
quantile bins), the conditional figures averaged over the factor levels, fit seconds and
generation seconds. The Markdown table gives the median and the mean over seeds.
``--out-json`` writes every per-seed figure with the config, command, date and machine; a
bare file name goes to ``benchmarks/results/``. ``--quick`` (seed 0, 2 GAN epochs) only
checks that the script runs; its GAN figures mean nothing.

    python benchmarks/virtual_experiments.py --out-json virtual_experiments.json
    python benchmarks/virtual_experiments.py --methods train,independent,copula
    python benchmarks/virtual_experiments.py --quick
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import sys
import time

import numpy as np
import pandas as pd
from _common import fmt, machine_info, results_path, write_json

DATASETS = {"diabetes": "sex", "wine": "target"}
METHODS = ("gan", "train", "independent", "copula")
LABELS = {
    "gan": "TabularGAN",
    "train": "real train rows (ceiling)",
    "independent": "independent columns",
    "copula": "Gaussian copula",
}
QUICK_EPOCHS = 2
MI_BINS = 10
FIGURES = ("column_similarity", "correlation_difference", "association_difference")


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure how well a conditional TabularGAN trained on a small experiment "
                    "table generates virtual rows, overall and per factor level, against "
                    "real train rows, independent columns and a Gaussian copula.")
    p.add_argument("--datasets", default=",".join(DATASETS),
                   help="comma-separated, out of diabetes (factor sex), wine (factor target = "
                        "cultivar); default both")
    p.add_argument("--methods", default=",".join(METHODS),
                   help=f"comma-separated, out of {', '.join(METHODS)}; default all")
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds; each seed is a new train/holdout split and "
                        "seeds every method (default 0,1,2,3,4; 0 with --quick)")
    p.add_argument("--epochs", type=int, default=None,
                   help=f"TabularGAN epochs (default 300; {QUICK_EPOCHS} with --quick)")
    p.add_argument("--batch-size", type=int, default=100,
                   help="TabularGAN batch size, a multiple of its pac (10); default 100")
    p.add_argument("--steps-per-epoch", type=int, default=None,
                   help="default: the model's, max(10, train rows // batch size); "
                        "CTGAN's is max(1, rows // batch size)")
    p.add_argument("--gan-kwargs", type=json.loads, default={},
                   help="JSON of extra tg.TabularGAN arguments, e.g. '{\"prior\": \"copula\"}'")
    p.add_argument("--compile-kwargs", type=json.loads, default={},
                   help="JSON of TabularGAN.compile arguments, e.g. '{\"learning_rate\": 1e-4}'")
    p.add_argument("--copula-shrinkage", default="0.001",
                   help="tg.GaussianCopula's shrinkage: a weight in [0, 1] (default 0.001, "
                        "the copula's) or ledoit-wolf")
    p.add_argument("--holdout", type=float, default=0.3,
                   help="share of the rows held out, stratified on the factor (default 0.3)")
    p.add_argument("--threads", type=int, default=0,
                   help="TensorFlow intra- and inter-op threads (0: TensorFlow's default)")
    p.add_argument("--out-json", default=None,
                   help="write all figures to this JSON file; a bare file name goes to "
                        "benchmarks/results/ (default: print only)")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke run: seed 0, {QUICK_EPOCHS} GAN epochs; figures mean nothing")
    args = p.parse_args(argv)

    args.datasets = list(dict.fromkeys(_csv(args.datasets)))
    bad = [d for d in args.datasets if d not in DATASETS]
    if bad or not args.datasets:
        p.error(f"--datasets: unknown {bad}, choose from {', '.join(DATASETS)}")
    args.methods = list(dict.fromkeys(_csv(args.methods)))
    bad = [m for m in args.methods if m not in METHODS]
    if bad or not args.methods:
        p.error(f"--methods: unknown {bad}, choose from {', '.join(METHODS)}")
    seeds = args.seeds if args.seeds is not None else ("0" if args.quick else "0,1,2,3,4")
    try:
        args.seeds = list(dict.fromkeys(int(s) for s in _csv(seeds)))
    except ValueError:
        p.error(f"--seeds must be comma-separated integers, got {seeds!r}")
    if not args.seeds:
        p.error("--seeds: give at least one seed")
    if args.epochs is None:
        args.epochs = QUICK_EPOCHS if args.quick else 300
    if args.epochs < 1 or args.batch_size < 1:
        p.error("--epochs and --batch-size must be >= 1")
    if args.copula_shrinkage != "ledoit-wolf":
        try:
            args.copula_shrinkage = float(args.copula_shrinkage)
        except ValueError:
            p.error("--copula-shrinkage: ledoit-wolf or a number in [0, 1]")
    if not 0.0 < args.holdout < 1.0:
        p.error("--holdout must be in (0, 1)")
    return args


# --------------------------------------------------------------------------- data


def load(name: str) -> tuple[pd.DataFrame, str]:
    """The whole table (features and target) and the name of its factor column."""
    from sklearn import datasets

    if name == "diabetes":
        df = datasets.load_diabetes(as_frame=True, scaled=False).frame
        df["sex"] = df["sex"].astype("int64")  # 1.0 / 2.0 in the file
    else:
        df = datasets.load_wine(as_frame=True).frame
    return df.reset_index(drop=True), DATASETS[name]


def split(df: pd.DataFrame, factor: str, holdout: float, seed: int):
    """Train and holdout rows, stratified on the factor."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(df, test_size=holdout, stratify=df[factor],
                                   random_state=seed)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def levels_of(df: pd.DataFrame, factor: str) -> list:
    return sorted(df[factor].unique().tolist())


# --------------------------------------------------------------------------- baselines


def _rows(df: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows of ``df``, without replacement when it has enough."""
    idx = rng.choice(len(df), size=n, replace=n > len(df))
    return df.iloc[idx].reset_index(drop=True)


def _levels_for(train: pd.DataFrame, factor: str, n: int, rng) -> pd.Series:
    """Factor levels of ``n`` unconditional rows, bootstrapped from train."""
    return pd.Series(rng.choice(train[factor].to_numpy(), size=n, replace=True))


def _by_level(draw_level, train: pd.DataFrame, factor: str, n: int, level, rng):
    """Rows of one level (``level`` given), or of bootstrapped levels (``level`` None)."""
    if level is not None:
        return draw_level(level, n, rng)
    counts = _levels_for(train, factor, n, rng).value_counts().sort_index()
    parts = [draw_level(lv, int(k), rng) for lv, k in counts.items()]
    out = pd.concat(parts, ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


def fit_train(train: pd.DataFrame, factor: str, seed: int, args):
    """Real train rows: the best any generator can do on a sample of this size."""
    def draw_level(level, n, rng):
        return _rows(train[train[factor] == level], n, rng)

    def draw(n, level, rng):
        return _rows(train, n, rng) if level is None else draw_level(level, n, rng)

    return draw, {}


def fit_independent(train: pd.DataFrame, factor: str, seed: int, args):
    """Every column bootstrapped on its own within the factor level."""
    def draw_level(level, n, rng):
        part = train[train[factor] == level]
        return pd.DataFrame({c: part[c].to_numpy()[rng.integers(len(part), size=n)]
                             for c in train.columns})

    def draw(n, level, rng):
        return _by_level(draw_level, train, factor, n, level, rng)

    return draw, {}


def fit_copula(train: pd.DataFrame, factor: str, seed: int, args):
    """``tg.GaussianCopula`` with one copula per factor level over the other columns."""
    import tfgan_ts as tg

    cop = tg.GaussianCopula(conditions=[factor], shrinkage=args.copula_shrinkage,
                            seed=seed).fit(train)

    def draw(n, level, rng):
        cond = None if level is None else {factor: level}
        return cop.generate(n, conditions=cond, seed=int(rng.integers(2**31)))

    return draw, {"shrinkage": args.copula_shrinkage}


def fit_gan(train: pd.DataFrame, factor: str, seed: int, args):
    """``tg.TabularGAN`` conditioned on the factor, CTGAN defaults."""
    import keras

    import tfgan_ts as tg

    keras.utils.set_random_seed(seed)
    model = tg.TabularGAN(spec=None, conditions=[factor], seed=seed, **args.gan_kwargs)
    model.compile(**args.compile_kwargs)
    hist = model.fit(train, epochs=args.epochs, batch_size=args.batch_size,
                     steps_per_epoch=args.steps_per_epoch, verbose=0)
    calls = [0]

    def draw(n, level, rng):
        calls[0] += 1
        s = seed * 1000 + calls[0]
        if level is None:
            return model.generate(n, seed=s)
        return model.generate(n, conditions={factor: level}, seed=s)

    last = {k: float(v[-1]) for k, v in hist.history.items() if len(v)}
    return draw, {"epochs": args.epochs, "batch_size": args.batch_size,
                  "steps_per_epoch": int(hist.params["steps"]),
                  "final_losses": last}


FIT = {"gan": fit_gan, "train": fit_train, "independent": fit_independent,
       "copula": fit_copula}


# --------------------------------------------------------------------------- checks, scores


def check(out, like: pd.DataFrame, n: int, factor: str, level) -> list[str]:
    """What is wrong with one batch of generated rows; empty when nothing is."""
    if not isinstance(out, pd.DataFrame):
        return [f"returned {type(out).__name__}, not a DataFrame"]
    problems = []
    if list(out.columns) != list(like.columns):
        problems.append(f"columns {list(out.columns)}, expected {list(like.columns)}")
        return problems
    if len(out) != n:
        problems.append(f"{len(out)} rows, expected {n}")
    changed = {c: f"{out[c].dtype} (expected {like[c].dtype})" for c in like.columns
               if out[c].dtype != like[c].dtype}
    if changed:
        problems.append(f"dtypes changed: {changed}")
    if level is not None and (out[factor] != level).any():
        problems.append(f"{int((out[factor] != level).sum())} rows with {factor} != {level}")
    nan = int(out.isna().sum().sum())
    if nan:
        problems.append(f"{nan} missing values")
    return problems


def score(real: pd.DataFrame, syn: pd.DataFrame, discrete) -> dict:
    """The three summary figures and the per-column similarity of one comparison."""
    from tfgan_ts.evaluation import tabular_fidelity

    out = tabular_fidelity(real, syn, discrete=discrete, bins=MI_BINS)
    res = {k: out[k] for k in FIGURES}
    res["similarity_by_column"] = out["columns"]["similarity"].astype(float).to_dict()
    res["notes"] = out["notes"]
    return res


def run_method(method: str, train, test, factor: str, seed: int, args) -> dict:
    """Fit one method, draw unconditional and per-level rows, score them against holdout."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    draw, info = FIT[method](train, factor, seed, args)
    fit_s = time.perf_counter() - t0
    problems, gen_s = [], 0.0
    jobs = [(None, test)] + [(lv, test[test[factor] == lv]) for lv in levels_of(test, factor)]
    scores = {}
    for level, real in jobs:
        t0 = time.perf_counter()
        try:
            syn = draw(len(real), level, rng)
        except ValueError as exc:  # e.g. a condition the GAN hardly ever produces
            problems.append(f"level {level}: generation failed: {exc}")
            continue
        gen_s += time.perf_counter() - t0
        bad = check(syn, train, len(real), factor, level)
        problems += [f"level {level}: {b}" for b in bad]
        if bad:
            continue
        key = "all" if level is None else str(level)
        if level is None:
            scores[key] = score(real, syn, [factor])
        else:
            scores[key] = score(real.drop(columns=factor), syn.drop(columns=factor), None)
    return {"fit_seconds": fit_s, "generate_seconds": gen_s, "info": info,
            "problems": problems, "scores": scores}


def conditional_means(scores: dict) -> dict:
    """Each figure averaged over the factor levels (NaN when a level is missing)."""
    levels = [k for k in scores if k != "all"]
    return {f: float(np.nanmean([np.nan if scores[k][f] is None else scores[k][f]
                                 for k in levels])) if levels else float("nan")
            for f in FIGURES}


# --------------------------------------------------------------------------- summary, report


def _stat(values) -> dict:
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
    ok = arr[~np.isnan(arr)]
    return {"median": float(np.median(ok)) if ok.size else None,
            "mean": float(ok.mean()) if ok.size else None,
            "n": int(ok.size), "values": [None if np.isnan(v) else float(v) for v in arr]}


def summarize(runs: list[dict], dataset: str, methods: list[str]) -> dict:
    mine = [r for r in runs if r["dataset"] == dataset]
    out = {}
    for m in methods:
        per = [r["methods"][m] for r in mine]
        s = {"fit_seconds": _stat([p["fit_seconds"] for p in per]),
             "generate_seconds": _stat([p["generate_seconds"] for p in per]),
             "failed_runs": sum(bool(p["problems"]) for p in per)}
        for f in FIGURES:
            s[f] = _stat([p["scores"].get("all", {}).get(f) for p in per])
            s[f"conditional_{f}"] = _stat([p["conditional"][f] for p in per])
        out[m] = s
    return out


def _cell(stat: dict) -> str:
    if stat["median"] is None:
        return "–"
    return f"{fmt(stat['median'])} / {fmt(stat['mean'])}"


def _seconds(stat: dict) -> str:
    if stat["median"] is None:
        return "–"
    return " / ".join(f"{v:.2f}" if v >= 0.01 else "<0.01" for v in (stat["median"], stat["mean"]))


def markdown(result: dict) -> str:
    c = result["config"]
    lines = [
        f"Train/holdout {1 - c['holdout']:.0%}/{c['holdout']:.0%} stratified on the factor, "
        f"seeds {', '.join(map(str, c['seeds']))}; every method is fitted on train and draws "
        "as many rows as the holdout (unconditional) and, per factor level, as many rows of "
        "that level as the holdout has (factor column dropped; figures averaged over the "
        "levels). Cells: median / mean over seeds. Similarity: mean over columns of 1 − KS "
        "(1 − TVD for the factor), higher is better. Δcorr: mean |Δ Pearson| over pairs of "
        f"columns; ΔNMI: mean |Δ normalized mutual information| over pairs ({MI_BINS} "
        "quantile bins); lower is better."]
    if "gan" in c["methods"]:
        lines[0] += (f" TabularGAN: {c['epochs']} epochs, batch size {c['batch_size']}, "
                     "compile() defaults.")
    if c["quick"]:
        lines[0] += " QUICK RUN: the GAN figures mean nothing."
    for d in c["datasets"]:
        info = result["data"][d]
        summ = result["summary"][d]
        steps = result.get("gan_steps_per_epoch", {}).get(d, "?")
        lines += ["", f"### {d}: {info['rows']} rows × {info['columns']} columns, factor "
                      f"`{info['factor']}` (levels {info['levels']})", "",
                  f"{info['train_rows']} train / {info['holdout_rows']} holdout rows"
                  + (f"; the GAN takes {steps} step(s) per epoch." if "gan" in c["methods"]
                     else "."), ""]
        lines.append("| method | similarity | Δcorr | ΔNMI | similarity per level | Δcorr per "
                     "level | ΔNMI per level | fit s | generate s |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for m in c["methods"]:
            s = summ[m]
            label = LABELS[m] + (f" ({s['failed_runs']} run(s) with problems)"
                                 if s["failed_runs"] else "")
            cells = [_cell(s[f]) for f in FIGURES]
            cells += [_cell(s[f"conditional_{f}"]) for f in FIGURES]
            cells += [_seconds(s["fit_seconds"]), _seconds(s["generate_seconds"])]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    args = parse_args(argv)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    if args.threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    config = {"datasets": args.datasets, "methods": args.methods, "seeds": args.seeds,
              "epochs": args.epochs, "batch_size": args.batch_size,
              "steps_per_epoch": args.steps_per_epoch, "holdout": args.holdout,
              "mi_bins": MI_BINS, "threads": args.threads, "quick": args.quick,
              "gan_kwargs": args.gan_kwargs, "compile_kwargs": args.compile_kwargs,
              "copula_shrinkage": args.copula_shrinkage}
    runs, data, failures = [], {}, []
    t_all = time.perf_counter()
    for d in args.datasets:
        df, factor = load(d)
        for seed in args.seeds:
            train, test = split(df, factor, args.holdout, seed)
            data[d] = {"rows": len(df), "columns": df.shape[1], "factor": factor,
                       "levels": levels_of(df, factor), "train_rows": len(train),
                       "holdout_rows": len(test)}
            entry = {"dataset": d, "seed": seed, "methods": {}}
            for m in args.methods:
                r = run_method(m, train, test, factor, seed, args)
                r["conditional"] = conditional_means(r["scores"])
                entry["methods"][m] = r
                a = r["scores"].get("all", {})
                print(f"[{d} seed {seed}] {LABELS[m]:<26} fit {r['fit_seconds']:7.1f} s  "
                      f"sim {fmt(a.get('column_similarity'))}  Δcorr "
                      f"{fmt(a.get('correlation_difference'))}  per-level sim "
                      f"{fmt(r['conditional']['column_similarity'])}", flush=True)
                for p in r["problems"]:
                    failures.append({"dataset": d, "seed": seed, "method": m, "problem": p})
                    print(f"!!! [{d} seed {seed} {LABELS[m]}] {p}", file=sys.stderr, flush=True)
            runs.append(entry)
    import sklearn

    result = {
        "benchmark": "virtual_experiments",
        "command": command,
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_info(**{"scikit-learn": sklearn.__version__}),
        "config": config,
        "data": data,
        "total_seconds": time.perf_counter() - t_all,
        "summary": {d: summarize(runs, d, args.methods) for d in args.datasets},
        "gan_steps_per_epoch": {e["dataset"]: e["methods"]["gan"]["info"]["steps_per_epoch"]
                                for e in runs if "gan" in e["methods"]},
        "failures": failures,
        "runs": runs,
    }
    print()
    print(markdown(result))
    print(f"command: {command}")
    m = result["machine"]
    print(f"machine: {m['cpu_model']}, {m['nproc']} CPUs, TensorFlow {m['tensorflow']}; "
          f"{result['date']}; total {result['total_seconds']:.0f} s")
    if args.out_json:
        write_json(results_path(args.out_json), result)
    if failures:
        print(f"\n!!! {len(failures)} problem(s), see above. Exit status 1.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
