"""Streaming generation: peak memory and throughput of ``generate_to`` against in-memory
``generate`` on the traffic weeks (issue 21).

Every measurement runs in its own process (a fresh interpreter, so one run's memory does not
inflate the next's) under ``/usr/bin/time -v``. In the same invocation:

* in-memory ``generate(n_small)`` (the library now, and optionally an older checkout given
  with ``--reference``, e.g. a ``git worktree`` of the commit before streaming),
* ``generate_to(folder, n_small)``,
* ``generate_to(folder, n_large)`` once (1,000,000 weeks = 168,000,000 rows by default),

repeated ``--repeats`` times for the small runs (median quoted). Throughput counts generation
only (from after the model is loaded to the last row written or the frame built).

    python benchmarks/streaming_generation.py --work /tmp/stream --large 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _common import main_job_model, run_measured, write_runs  # noqa: E402  (run as a script)


def child(args: argparse.Namespace) -> None:
    """One measurement in this process: prints a JSON line with seconds and rows."""
    import keras

    import tfgan_ts as tg
    from tfgan_ts import models  # noqa: F401  (registers the model class)

    tg.configure_threads()  # as the CLI does

    model = keras.models.load_model(args.model)
    model.generate(10, seed=0)  # traces the generation function outside the timing
    start = time.perf_counter()
    if args.child == "memory":
        rows = len(model.generate(args.n, seed=args.seed))
        files = 0
    else:
        written = model.generate_to(args.out, args.n, seed=args.seed, verbose=0)
        rows, files = written.rows, len(written.files)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": rows, "files": files}))


def run_child(mode: str, n: int, model: Path, out: Path | None, seed: int,
              pythonpath: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--model", str(model), "-n", str(n),
           "--seed", str(seed)]
    if out is not None:
        cmd += ["--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = run_measured(cmd, env, f"{mode} n={n}")
    result.update(mode=mode, n=n, sequences_per_s=n / result["seconds"],
                  code=str(pythonpath))
    print(json.dumps(result), flush=True)
    return result


def count_parquet_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(folder.glob("*.parquet")))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", choices=["memory", "stream"])
    p.add_argument("--model")
    p.add_argument("-n", type=int)
    p.add_argument("--out")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--work", default="/tmp/tfgan_stream")
    p.add_argument("--small", type=int, default=20_000)
    p.add_argument("--large", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--epochs", type=int, default=2, help="training epochs of the model "
                   "generated from (speed does not depend on them)")
    p.add_argument("--reference", help="an older checkout whose in-memory generate is timed "
                   "too (PYTHONPATH)")
    p.add_argument("--json", default=str(HERE / "results" / "streaming_generation.json"))
    args = p.parse_args()
    if args.child:
        child(args)
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    model = main_job_model(work, args.epochs)
    runs = []
    for r in range(args.repeats):
        runs.append(run_child("memory", args.small, model, None, r, ROOT))
        if args.reference:
            runs.append(run_child("memory", args.small, model, None, r, Path(args.reference)))
        out = work / f"small_{r}"
        subprocess.run(["rm", "-rf", str(out)], check=True)
        runs.append(run_child("stream", args.small, model, out, r, ROOT))
    big = work / "large"
    subprocess.run(["rm", "-rf", str(big)], check=True)
    large = run_child("stream", args.large, model, big, 0, ROOT)
    large["rows_in_files"] = count_parquet_rows(big)
    large["bytes_on_disk"] = sum(f.stat().st_size for f in big.glob("*.parquet"))
    runs.append(large)
    subprocess.run(["rm", "-rf", str(big)], check=True)

    write_runs(args.json, runs)


if __name__ == "__main__":
    main()
