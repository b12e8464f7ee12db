"""What each speed change bought: DoppelGANger seconds per epoch on the traffic windows
(paper sizes, sample_len 12, batch 100), one change added at a time.

Configurations, each cumulative on the one before:

0. ``before``: the library at ``--before-commit`` (a git worktree of it), TensorFlow's
   thread defaults — a fresh generator pass for the generator step, a while-loop LSTM,
   one step per call;
1. ``shared-pass``: the current library with the generator step reusing the critic step's
   generator pass, LSTM not unrolled, one step per call, TensorFlow's threads;
2. ``unroll``: + the LSTM unrolled (14 cells);
3. ``steps16``: + 16 steps per call into TensorFlow (the default);
4. ``threads``: + ``tg.configure_threads()`` (one thread per operation, operations side by
   side), with tf.data's autotuner still on;
5. ``no-autotune``: + tf.data's autotuner off (the current default) — everything the CLI does;
6. ``xla``: + ``jit_compile=True`` (not a default; for the record).

Every configuration runs in its own process, configurations alternate within each repeat,
and the table gives the median over repeats of each run's median epoch (epochs 2..E).

    python benchmarks/speed_ablation.py --before-commit 0050933 --repeats 3 --epochs 30 \\
        --out-json speed_ablation.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import machine_info, results_path, write_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIGS = {
    "before": dict(tree="before", threads="tf", spe=1, unroll=None, autotune=True, jit=False),
    "shared-pass": dict(tree="current", threads="tf", spe=1, unroll=0, autotune=True,
                        jit=False),
    "unroll": dict(tree="current", threads="tf", spe=1, unroll=32, autotune=True, jit=False),
    "steps16": dict(tree="current", threads="tf", spe=16, unroll=32, autotune=True, jit=False),
    "threads": dict(tree="current", threads="auto", spe=16, unroll=32, autotune=True,
                    jit=False),
    "no-autotune": dict(tree="current", threads="auto", spe=16, unroll=32, autotune=False,
                        jit=False),
    "xla": dict(tree="current", threads="auto", spe=16, unroll=32, autotune=False, jit=True),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--before-commit", required=False, help="git commit of the 'before' library")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--configs", default=",".join(CONFIGS),
                   help=f"comma-separated subset of {', '.join(CONFIGS)}")
    p.add_argument("--out-json", default=None)
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--out", default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def worker(args) -> int:
    cfg = CONFIGS[args.worker]
    import keras
    import tensorflow as tf

    import tfgan_ts as tg

    if cfg["threads"] == "auto":
        tg.configure_threads()
    if cfg["unroll"] is not None:
        from tfgan_ts.nn import doppelganger as nets

        nets.UNROLL_MAX_CELLS = cfg["unroll"]
    keras.utils.set_random_seed(0)
    df = tg.datasets.traffic_weeks()
    model = tg.DoppelGANger(tg.datasets.default_spec("traffic_weeks"), sample_len=12, seed=0)
    model.compile(steps_per_execution=cfg["spe"], jit_compile=cfg["jit"])
    data = model.make_dataset(df, batch_size=100)
    options = tf.data.Options()
    options.autotune.enabled = cfg["autotune"]  # the "before" library left it on
    data = data.with_options(options)
    ends = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            ends.append(time.perf_counter())

    t0 = time.perf_counter()
    model.fit(data, epochs=args.epochs, verbose=0, callbacks=[Timer()])
    seconds = np.diff([t0, *ends])
    Path(args.out).write_text(json.dumps({
        "config": args.worker, "library_file": tg.__file__,
        "threads": {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                    "inter_op": tf.config.threading.get_inter_op_parallelism_threads()},
        "unrolled": [bool(layer.unroll) for layer in model.feature_generator.rnn],
        "autotune": data.options().autotune.enabled,
        "epoch_seconds": seconds.tolist(),
        "median_epoch_seconds": float(np.median(seconds[1:])),
    }))
    print(f"{args.worker}: median {np.median(seconds[1:]):.3f} s/epoch "
          f"(first {seconds[0]:.1f} s)", flush=True)
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info()
    names = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in names if c not in CONFIGS]
    if unknown:
        sys.exit(f"unknown configurations {unknown}; choose from {list(CONFIGS)}")
    work = Path(tempfile.mkdtemp(prefix="speed_ablation_"))
    trees = {"current": ROOT}
    if "before" in names:
        if not args.before_commit:
            sys.exit("--before-commit is needed for the 'before' configuration")
        before = work / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before_commit],
                       cwd=ROOT, check=True, capture_output=True)
        trees["before"] = before
    runs = {n: [] for n in names}
    try:
        for repeat in range(args.repeats):
            order = names if repeat % 2 == 0 else names[::-1]
            for name in order:
                out = work / f"{name}_{repeat}.json"
                env = dict(os.environ, PYTHONPATH=str(trees[CONFIGS[name]["tree"]]))
                cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name,
                       "--out", str(out), "--epochs", str(args.epochs)]
                subprocess.run(cmd, check=True, env=env, cwd=work, stderr=subprocess.DEVNULL)
                runs[name].append(json.loads(out.read_text()))
    finally:
        if "before" in trees:
            subprocess.run(["git", "worktree", "remove", "--force", str(trees["before"])],
                           cwd=ROOT, capture_output=True)
    base = None
    lines = ["| configuration | s/epoch per run | median | vs before | vs previous |",
             "|---|---|---|---|---|"]
    summary, previous = {}, None
    for name in names:
        values = [r["median_epoch_seconds"] for r in runs[name]]
        med = float(np.median(values))
        base = med if name == "before" else base
        summary[name] = {"median_epoch_seconds": values, "median": med}
        lines.append(f"| {name} | {', '.join(f'{v:.3f}' for v in values)} | **{med:.3f}** | "
                     f"{'' if base is None else f'{med / base:.2f}×'} | "
                     f"{'' if previous is None else f'{med / previous:.2f}×'} |")
        previous = med
    table = "\n".join(lines)
    print(table)
    if args.out_json:
        write_json(results_path(args.out_json), {
            "benchmark": "speed_ablation", "command": command,
            "date": started.isoformat(timespec="seconds"), "machine": machine,
            "before_commit": args.before_commit, "epochs": args.epochs,
            "configs": {n: CONFIGS[n] for n in names}, "summary": summary, "runs": runs,
            "markdown": table})
    return 0


if __name__ == "__main__":
    sys.exit(main())
