"""tfgan_ts DoppelGANger vs gretel-synthetics' DGAN, side by side on one machine.

Both train on ``tg.datasets.traffic_weeks()`` (1,642 windows of 168 hours, 3 discrete
attributes, 2 continuous features) with the same sizes: sample_len 12, batch 100, LSTM 1×100,
attribute MLPs 3×100, critics 5×200, Adam lr 1e-3 (β1 0.5), noise 5, feature and example
scaling on, gradient penalty 10 on both critics, one critic and one generator step per batch.

Each repeat runs the two libraries one after the other in fresh processes (the order flips
every repeat, as the machines are noisy), and records per process:

* seconds per epoch (median of epochs 2..E; epoch 1 holds tracing / set-up and is kept apart);
* generation throughput in original units: gretel ``generate_numpy(n)``, tfgan_ts
  ``generate(n)`` (a long DataFrame, more work) and ``generate_arrays(n)`` (normalized);
* autocorrelation MSE of ``traffic_volume`` (lags 1..167) of as many generated windows as
  real ones vs the real windows, both computed here by ``tfgan_ts.evaluation.acf_mse``;
* peak resident memory of the process (VmHWM), and the resident memory after the imports.

The table gives medians over repeats and the ratios tfgan_ts / gretel of the medians, plus
the ratio per repeat (each pair measured back to back).

gretel lives in its own virtual environment (see ``--gretel-python``):

    python -m venv /tmp/gretelvenv
    /tmp/gretelvenv/bin/pip install torch==2.13.0
    /tmp/gretelvenv/bin/pip install --no-deps gretel-synthetics
    /tmp/gretelvenv/bin/pip install category_encoders tqdm numpy pandas scikit-learn
    python benchmarks/speed_vs_gretel.py --repeats 3 --epochs 200 --out-json speed_vs_gretel.json
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
from _common import machine_info, results_path, rss_mib, write_json

HERE = Path(__file__).resolve().parent
LAGS = 167


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="pairs of runs (default 3)")
    p.add_argument("--epochs", type=int, default=200, help="training epochs (default 200)")
    p.add_argument("--n-throughput", type=int, default=10_000,
                   help="sequences per timed generation call (default 10000)")
    p.add_argument("--generation-repeats", type=int, default=5,
                   help="timed generation calls per run (default 5)")
    p.add_argument("--gretel-python", default=os.environ.get(
        "GRETEL_PYTHON", "/tmp/gretelvenv/bin/python"),
                   help="python of the virtual environment with gretel-synthetics "
                        "(default $GRETEL_PYTHON or /tmp/gretelvenv/bin/python)")
    p.add_argument("--only", choices=("both", "tfgan", "gretel"), default="both",
                   help="run one side only (for profiling); default both")
    p.add_argument("--jit-compile", action=argparse.BooleanOptionalAction, default=None,
                   help="tfgan_ts: XLA for the train step (default: the library's default)")
    p.add_argument("--threads", choices=("auto", "tf"), default="auto",
                   help="tfgan_ts: auto (default) calls tg.configure_threads() as the CLI does; "
                        "tf keeps TensorFlow's default thread pools")
    p.add_argument("--gretel-threads", type=int, default=0,
                   help="gretel: torch threads (default 0: torch's default, all cores)")
    p.add_argument("--work-dir", default=None, help="keep the per-run files here")
    p.add_argument("--out-json", default=None, help="write all figures here")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --------------------------------------------------------------------------- data


def export_traffic(path: Path) -> None:
    """The traffic windows as gretel takes them: integer attribute codes and a
    [n, 168, 2] feature array in original units (window order)."""
    import tfgan_ts as tg

    df = tg.datasets.traffic_weeks().sort_values(["window", "hour"])
    first = df.groupby("window", sort=True).first()
    attributes = np.stack([first["weekday"].cat.codes.to_numpy(),
                           first["month"].to_numpy() - 1,
                           first["holiday"].astype(int).to_numpy()], axis=1)
    features = np.stack([df.pivot(index="window", columns="hour", values=c).to_numpy()
                         for c in ("traffic_volume", "temp")], axis=-1).astype(np.float32)
    np.savez_compressed(path, attributes=attributes, features=features)


# --------------------------------------------------------------------------- tfgan worker


def tfgan_worker(args) -> int:
    t_start = time.perf_counter()
    import keras
    import tensorflow as tf

    import tfgan_ts as tg
    from tfgan_ts.evaluation import sequence_matrix

    import_seconds = time.perf_counter() - t_start
    memory_after_import = rss_mib()
    if args.threads == "auto":
        tg.configure_threads()
    keras.utils.set_random_seed(args.seed)
    df = tg.datasets.traffic_weeks()
    spec = tg.datasets.default_spec("traffic_weeks")
    model = tg.DoppelGANger(spec, sample_len=12, seed=args.seed)
    compile_kwargs = {} if args.jit_compile is None else {"jit_compile": args.jit_compile}
    model.compile(**compile_kwargs)

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ends = []

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter())

    timer = EpochTimer()
    t0 = time.perf_counter()
    model.fit(df, epochs=args.epochs, batch_size=100, verbose=0, callbacks=[timer])
    train_seconds = time.perf_counter() - t0
    # epoch 1 also holds the spec fit, the transform and tracing, as gretel's holds its set-up
    epoch_seconds = np.diff([t0, *timer.ends]).tolist()
    memory_after_training = rss_mib()

    def timed(fn):
        fn()  # warm-up (traces the generation function)
        times = []
        for _ in range(args.generation_repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return times

    n = args.n_throughput
    frame_times = timed(lambda: model.generate(n, seed=1))
    array_times = timed(lambda: model.generate_arrays(n, seed=1))
    n_real = int(df[spec.example_id].nunique())
    syn = model.generate(n_real, seed=2)  # as many as the real windows, for the ACF
    out = Path(args.out)
    np.savez_compressed(out.with_suffix(".npz"),
                        traffic_volume=sequence_matrix(syn, spec, "traffic_volume"))
    result = {
        "library": "tfgan_ts DoppelGANger",
        "versions": {"tfgan_ts": tg.__version__, "keras": keras.__version__,
                     "tensorflow": tf.__version__},
        "compile": {k: v for k, v in model.get_compile_config().items()
                    if not k.endswith("_optimizer")},
        "sizes": model.sizes,
        "threads": tg.runtime.thread_settings(),
        "n_train": n_real,
        "import_seconds": import_seconds,
        "train_seconds": train_seconds,
        "epoch_seconds": epoch_seconds,
        "median_epoch_seconds": float(np.median(epoch_seconds[1:] or epoch_seconds)),
        "generation": {"n": n, "seconds": frame_times,
                       "sequences_per_second": n / float(np.median(frame_times))},
        "generation_arrays": {"n": n, "seconds": array_times,
                              "sequences_per_second": n / float(np.median(array_times))},
        "memory_after_import": memory_after_import,
        "memory_after_training": memory_after_training,
        "memory_end": rss_mib(),
        "generated": str(out.with_suffix(".npz")),
    }
    out.write_text(json.dumps(result, indent=2))
    print(f"tfgan_ts: {args.epochs} epochs, median {result['median_epoch_seconds']:.3f} s/epoch, "
          f"generation {result['generation']['sequences_per_second']:.0f} seq/s, peak RSS "
          f"{result['memory_end']['peak_rss_mib']:.0f} MiB", flush=True)
    return 0


# --------------------------------------------------------------------------- driver


def run_side(side: str, args, data: Path, work: Path, repeat: int) -> dict:
    out = work / f"{side}_{repeat}.json"
    common = ["--data", str(data), "--out", str(out), "--epochs", str(args.epochs),
              "--n-throughput", str(args.n_throughput), "--seed", str(args.seed + repeat)]
    if side == "gretel":
        cmd = [args.gretel_python, str(HERE / "peer_gretel.py"), *common,
               "--repeats", str(args.generation_repeats), "--threads", str(args.gretel_threads)]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *common,
               "--generation-repeats", str(args.generation_repeats), "--threads", args.threads]
        if args.jit_compile is not None:
            cmd.append("--jit-compile" if args.jit_compile else "--no-jit-compile")
    print(f"[repeat {repeat}] {side}: {shlex.join(cmd)}", flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=sys.stdout, stderr=subprocess.DEVNULL
                   if not os.environ.get("SPEED_VERBOSE") else None)
    result = json.loads(out.read_text())
    result["wall_seconds"] = time.perf_counter() - t0
    return result


def acf_of(result: dict, real: np.ndarray) -> float:
    from tfgan_ts.evaluation import acf_mse

    gen = np.load(result["generated"])
    x = gen["traffic_volume"] if "traffic_volume" in gen else gen["features"][:, :, 0]
    return acf_mse(real, x, max_lag=LAGS)


def summarize(runs: dict, real: np.ndarray) -> dict:
    summary = {}
    for side, results in runs.items():
        if not results:
            continue
        for r in results:
            r["acf_mse"] = acf_of(r, real)
        summary[side] = {
            "median_epoch_seconds": [r["median_epoch_seconds"] for r in results],
            "first_epoch_seconds": [r["epoch_seconds"][0] for r in results],
            "sequences_per_second": [r["generation"]["sequences_per_second"] for r in results],
            "acf_mse": [r["acf_mse"] for r in results],
            "peak_rss_mib": [r["memory_end"]["peak_rss_mib"] for r in results],
            "rss_after_import_mib": [r["memory_after_import"]["rss_mib"] for r in results],
        }
        if side == "tfgan":
            summary[side]["arrays_sequences_per_second"] = [
                r["generation_arrays"]["sequences_per_second"] for r in results]
    for s in summary.values():
        s["median"] = {k: float(np.median(v)) for k, v in s.items() if isinstance(v, list)}
    if "tfgan" in summary and "gretel" in summary:
        t, g = summary["tfgan"], summary["gretel"]
        keys = ("median_epoch_seconds", "sequences_per_second", "acf_mse", "peak_rss_mib")
        summary["ratio_of_medians"] = {k: t["median"][k] / g["median"][k] for k in keys}
        summary["ratio_per_repeat"] = {k: [a / b for a, b in zip(t[k], g[k], strict=True)]
                                       for k in keys}
    return summary


def markdown(summary: dict, epochs: int) -> str:
    t, g = summary.get("tfgan"), summary.get("gretel")
    rows = [
        ("s/epoch (median of epochs 2..E)", "median_epoch_seconds", "≤ 0.5"),
        ("first epoch incl. set-up (s)", "first_epoch_seconds", ""),
        ("generation, sequences/s in original units", "sequences_per_second", "≥ 2"),
        (f"ACF MSE traffic_volume after {epochs} epochs", "acf_mse", "≤ 1"),
        ("peak resident memory (MiB)", "peak_rss_mib", "≤ 1"),
        ("resident memory after imports (MiB)", "rss_after_import_mib", ""),
    ]
    lines = ["| measure | tfgan_ts (runs) | gretel DGAN (runs) | ratio of medians | per repeat "
             "| goal |",
             "|---|---|---|---|---|---|"]

    def cell(side, key):
        if side is None:
            return "–"
        vals = ", ".join(f"{v:.4g}" for v in side[key])
        return f"**{side['median'][key]:.4g}** ({vals})"

    for label, key, goal in rows:
        ratio = summary.get("ratio_of_medians", {}).get(key)
        per = summary.get("ratio_per_repeat", {}).get(key)
        lines.append(f"| {label} | {cell(t, key)} | {cell(g, key)} | "
                     f"{'' if ratio is None else f'{ratio:.3g}'} | "
                     f"{'' if per is None else ', '.join(f'{v:.3g}' for v in per)} | {goal} |")
    if t is not None:
        lines.append(f"| tfgan_ts generate_arrays (normalized), sequences/s | "
                     f"{cell(t, 'arrays_sequences_per_second')} | | | | |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return tfgan_worker(args)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    if args.only != "tfgan" and not Path(args.gretel_python).exists():
        sys.exit(f"no gretel environment at {args.gretel_python}: see this script's docstring")
    machine = machine_info()  # at the start: the commit the runs use
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="speed_vs_gretel_"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "traffic.npz"
    export_traffic(data)
    real = np.load(data)["features"][:, :, 0]
    sides = {"both": ("gretel", "tfgan"), "tfgan": ("tfgan",), "gretel": ("gretel",)}[args.only]
    runs = {s: [] for s in sides}
    for repeat in range(args.repeats):
        order = sides if repeat % 2 == 0 else sides[::-1]
        for side in order:
            runs[side].append(run_side(side, args, data, work, repeat))
    summary = summarize(runs, real)
    table = markdown(summary, args.epochs)
    print(table)
    if args.out_json:
        gretel_versions = runs["gretel"][0]["versions"] if runs.get("gretel") else None
        out = {"benchmark": "speed_vs_gretel", "command": command,
               "date": started.isoformat(timespec="seconds"),
               "machine": machine, "gretel_environment": gretel_versions,
               "summary": summary, "runs": runs, "markdown": table}
        write_json(results_path(args.out_json), out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
