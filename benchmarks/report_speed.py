"""How long ``tfgan_ts.evaluation.report()`` takes on the frames of ``tfgan-ts synthesize``,
before and after a change of the library, on identical inputs.

Three steps, each its own sub-command:

* ``prepare``: the inputs, built once and saved to ``--inputs`` (a folder): the bundled traffic
  weeks (``tg.datasets.traffic_weeks()``) with ``tg.datasets.default_spec("traffic_weeks")``
  fitted on all of them, the 80/20 split by whole sequences that ``tfgan-ts synthesize`` makes
  (``train_test_split_sequences(df, spec, test_size=0.2, seed=0)``), and a synthetic frame
  (as many sequences as the training part) from a DoppelGANger fitted for ``--epochs`` epochs
  (sample_len 12, batch 100, seed 0, as the CLI) — all as Parquet, the spec and the training
  history as JSON;
* ``time``: one process, one library (whatever ``PYTHONPATH`` points at): loads the inputs,
  calls ``tg.configure_threads()`` as the CLI does, then times ``report()`` with the CLI's
  arguments (``report(train, synthetic, spec, history=history, holdout=holdout,
  privacy=None, seed=0, title=...)``, discriminative score and utility on) ``--calls`` times;
  prints one JSON line with the seconds of each call and the report's numbers;
* ``compare``: runs ``time`` in fresh processes, alternating the library at ``--before``
  (a git worktree) and the current one, ``--rounds`` times, and writes the medians, their
  ratio and whether the reports' numbers agree to ``--out-json``.

    python benchmarks/report_speed.py prepare --inputs /tmp/report_inputs
    git worktree add /tmp/base_eval 378c0c2
    python benchmarks/report_speed.py compare --inputs /tmp/report_inputs \\
        --before /tmp/base_eval --rounds 3 --out-json report_speed.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TITLE = "DoppelGANger on bundled traffic_weeks()"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="build and save the inputs once")
    prep.add_argument("--inputs", required=True, help="folder for the inputs")
    prep.add_argument("--epochs", type=int, default=5, help="DoppelGANger epochs (default 5)")
    run = sub.add_parser("time", help="time report() with the library on PYTHONPATH")
    run.add_argument("--inputs", required=True)
    run.add_argument("--calls", type=int, default=1, help="report() calls in this process")
    run.add_argument("--profile", help="write a cProfile of the first call to this file")
    cmp = sub.add_parser("compare", help="alternate before/after processes, medians, ratio")
    cmp.add_argument("--inputs", required=True)
    cmp.add_argument("--before", required=True, help="work tree of the library before")
    cmp.add_argument("--rounds", type=int, default=3, help="processes per library (default 3)")
    cmp.add_argument("--out-json", help="file name under benchmarks/results/ (or a path)")
    return p.parse_args(argv)


def prepare(folder: Path, epochs: int) -> None:
    """Split, fit DoppelGANger, generate and save every input of ``time``."""
    import tfgan_ts as tg
    from tfgan_ts.evaluation import train_test_split_sequences

    tg.configure_threads()
    folder.mkdir(parents=True, exist_ok=True)
    df = tg.datasets.traffic_weeks()
    spec = tg.datasets.default_spec("traffic_weeks")
    spec.fit(df)
    train, holdout = train_test_split_sequences(df, spec, test_size=0.2, seed=0)
    model = tg.DoppelGANger(spec, sample_len=12, seed=0)
    model.compile()
    history = model.fit(train, epochs=epochs, batch_size=100, verbose=0)
    n_train = train[spec.example_id].nunique()
    synthetic = model.generate(n_train, seed=0)
    train.to_parquet(folder / "train.parquet")
    holdout.to_parquet(folder / "holdout.parquet")
    synthetic.to_parquet(folder / "synthetic.parquet")
    (folder / "spec.json").write_text(model.spec.to_json())
    logs = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    (folder / "history.json").write_text(json.dumps(logs))
    print(f"wrote {folder}: {n_train} training, {holdout[spec.example_id].nunique()} holdout "
          f"and {synthetic[spec.example_id].nunique()} synthetic sequences ({epochs} epochs)")


def load_inputs(folder: Path) -> dict:
    """The saved inputs as report() takes them (the spec read back from its JSON)."""
    import pandas as pd

    from tfgan_ts.spec import SequenceSpec

    return {
        "real": pd.read_parquet(folder / "train.parquet"),
        "synthetic": pd.read_parquet(folder / "synthetic.parquet"),
        "holdout": pd.read_parquet(folder / "holdout.parquet"),
        "spec": SequenceSpec.from_json((folder / "spec.json").read_text()),
        "history": json.loads((folder / "history.json").read_text()),
    }


# the parts that train models (and the figures), where they live before and after the change
_PARTS = {
    "discriminative": [("tfgan_ts.evaluation.discriminative", "discriminative_score")],
    "utility": [("tfgan_ts.evaluation.utility", "forecast_utility")],
    "figures": [("tfgan_ts.evaluation.report", "_figures"),
                ("tfgan_ts.evaluation.report_sections", "figures")],
}


def _time_parts(parts: dict) -> None:
    """Wrap the functions of ``_PARTS`` that exist in this library so that their wall seconds
    add up in ``parts`` (report imports them at call time, or calls them through the module)."""
    import importlib

    for part, places in _PARTS.items():
        for module_name, attr in places:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if not hasattr(module, attr):
                continue
            func = getattr(module, attr)

            def timed(*args, _func=func, _part=part, **kwargs):
                start = time.perf_counter()
                try:
                    return _func(*args, **kwargs)
                finally:
                    parts[_part] = parts.get(_part, 0.0) + time.perf_counter() - start

            setattr(module, attr, timed)


def time_report(folder: Path, calls: int, profile: str | None) -> dict:
    """Wall and CPU seconds (all threads of the process) of each report() call in this
    process, the wall seconds of its parts, and the report's numbers."""
    import tfgan_ts as tg

    tg.configure_threads()
    inputs = load_inputs(folder)
    seconds, cpu_seconds, parts, rep = [], [], {}, None
    _time_parts(parts)
    for i in range(calls):
        start, cpu = time.perf_counter(), time.process_time()
        if profile and i == 0:
            import cProfile

            prof = cProfile.Profile()
            rep = prof.runcall(_call_report, tg, inputs)
            prof.dump_stats(profile)
        else:
            rep = _call_report(tg, inputs)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)
    table = rep.summary()
    values = [[r.section, r.measure, r.column, _plain(r.value)] for r in table.itertuples()]
    return {"library": str(Path(tg.__file__).resolve().parent.parent), "seconds": seconds,
            "cpu_seconds": cpu_seconds, "parts": parts, "values": values, "notes": rep.notes}


def _call_report(tg, inputs):
    return tg.evaluation.report(
        inputs["real"], inputs["synthetic"], inputs["spec"], history=inputs["history"],
        holdout=inputs["holdout"], privacy=None, seed=0, title=TITLE,
        discriminative=True, utility=True)


def _plain(value):
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _run_one(tree: Path, folder: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), TF_CPP_MIN_LOG_LEVEL="2")
    cmd = [sys.executable, str(Path(__file__).resolve()), "time", "--inputs", str(folder)]
    out = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} in {tree} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if Path(result["library"]) != tree.resolve():
        raise RuntimeError(f"ran the library at {result['library']}, expected {tree}")
    return result


def _differences(before: list, after: list) -> list:
    """Rows whose value differs (numbers beyond 1e-9 relative), discriminative rows apart."""
    key = lambda row: (row[0], row[1], row[2])  # noqa: E731
    a = {key(r): r[3] for r in before}
    b = {key(r): r[3] for r in after}
    out = []
    for k in sorted(set(a) | set(b), key=str):
        x, y = a.get(k, "(missing)"), b.get(k, "(missing)")
        same = (math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
                if isinstance(x, float) and isinstance(y, float) else x == y)
        if not same:
            out.append({"section": k[0], "measure": k[1], "column": k[2], "before": x,
                        "after": y})
    return out


def compare(folder: Path, before: Path, rounds: int, out_json: str | None) -> dict:
    """Alternate fresh processes of the two libraries; medians, ratio, differing numbers."""
    trees = {"before": before.resolve(), "after": ROOT}
    runs = {name: [] for name in trees}
    for r in range(rounds):
        for name, tree in trees.items():
            res = _run_one(tree, folder)
            runs[name].append(res)
            shown = ", ".join(f"{k} {v:.0f} s" for k, v in res["parts"].items())
            print(f"round {r + 1}/{rounds} {name}: {res['seconds'][0]:.1f} s wall, "
                  f"{res['cpu_seconds'][0]:.1f} s CPU ({shown})", flush=True)
    med = {name: float(np.median([s for res in rs for s in res["seconds"]]))
           for name, rs in runs.items()}
    med_cpu = {name: float(np.median([s for res in rs for s in res["cpu_seconds"]]))
               for name, rs in runs.items()}
    result = {
        "benchmark": "report_speed",
        "command": shlex.join([sys.executable, *sys.argv]),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "before_tree": str(trees["before"]),
        "seconds": {name: [s for res in rs for s in res["seconds"]] for name, rs in runs.items()},
        "median_seconds": med,
        "speedup": med["before"] / med["after"],
        "cpu_seconds": {name: [s for res in rs for s in res["cpu_seconds"]]
                        for name, rs in runs.items()},
        "median_cpu_seconds": med_cpu,
        "cpu_speedup": med_cpu["before"] / med_cpu["after"],
        "parts_seconds": {name: [res["parts"] for res in rs] for name, rs in runs.items()},
        "load_average_after": os.getloadavg(),
        "differences": _differences(runs["before"][0]["values"], runs["after"][0]["values"]),
        "values_after": runs["after"][0]["values"],
    }
    print(f"median before {med['before']:.1f} s, after {med['after']:.1f} s, "
          f"{result['speedup']:.2f}x faster; CPU {med_cpu['before']:.1f} s vs "
          f"{med_cpu['after']:.1f} s, {result['cpu_speedup']:.2f}x")
    for d in result["differences"]:
        print(f"differs: {d}")
    if out_json:
        sys.path.insert(0, str(HERE))
        from _common import machine_info, results_path, write_json

        result["machine"] = machine_info()
        write_json(results_path(out_json), result)
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    folder = Path(args.inputs)
    if args.command == "prepare":
        prepare(folder, args.epochs)
    elif args.command == "time":
        print(json.dumps(time_report(folder, args.calls, args.profile)))
    else:
        compare(folder, Path(args.before), args.rounds, args.out_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
