"""Time ``tg.GANImputer`` with its defaults on a year (or five) of hourly data × 10 columns.

Data: the seven numeric Beijing PM2.5 columns (pm2.5, DEWP, TEMP, PRES, Iws, Is, Ir) next to
the three Metro traffic columns (traffic_volume, temp, clouds_all of 2017, tiled to the same
length) — real hourly series, placed side by side only to have ten columns; then 20% of the
observed entries hidden with ``tg.masking.blocks`` (mean 24 h) or ``mcar``. Each repeat runs
``fit_transform`` in a fresh process (TensorFlow's import and the first trace included, as a
user pays them), one at a time; the median and every figure are printed and written to JSON.

    python benchmarks/imputation_speed.py --years 1 --repeats 3 --out-json speed1.json
    python benchmarks/imputation_speed.py --years 5 --repeats 1
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import machine_info, write_json

WORKER = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np, pandas as pd
import tfgan_ts as tg
years, scenario, generator, seed = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, sys.argv[5])  # benchmarks/: the traffic year as imputation.py loads it
from imputation import _load_traffic
rows = 8760 * years
pm = tg.datasets.beijing_pm25()[["pm2.5", "DEWP", "TEMP", "PRES", "Iws", "Is", "Ir"]]
traffic = _load_traffic()[0].to_numpy(dtype=float)  # traffic_volume, temp, clouds_all
tiled = np.tile(traffic, (years, 1))
data = pd.concat([pm.iloc[:rows].reset_index(drop=True).astype(float),
                  pd.DataFrame(tiled, columns=["traffic_volume", "temp_k", "clouds"])], axis=1)
gapped = (tg.masking.blocks(data, 0.2, 24, seed=seed) if scenario == "blocks"
          else tg.masking.mcar(data, 0.2, seed=seed))
t1 = time.perf_counter()
imp = tg.GANImputer(generator=generator, seed=seed)
out = imp.fit_transform(gapped)
t2 = time.perf_counter()
assert not out.isna().any().any()
print(json.dumps({"fit_transform_seconds": t2 - t1, "process_seconds": t2 - t0,
                  "rows": len(data), "columns": data.shape[1], "window": imp.window_,
                  "steps": imp.steps_, "validation_rmse": imp.validation_rmse_,
                  "generator": imp.generator_}))
"""


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=int, default=1, choices=range(1, 6))
    p.add_argument("--scenario", default="blocks", choices=["blocks", "mcar"])
    p.add_argument("--generator", default="auto", choices=["auto", "bilstm", "mlp"])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out-json", default=None)
    args = p.parse_args(argv)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    runs = []
    for i in range(args.repeats):
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", WORKER, str(args.years), args.scenario,
                               args.generator, str(args.seed), str(Path(__file__).parent)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        run = json.loads(done.stdout.strip().splitlines()[-1])
        run["wall_seconds"] = time.perf_counter() - t
        runs.append(run)
        print(f"run {i + 1}: fit_transform {run['fit_transform_seconds']:.1f} s, whole process "
              f"{run['wall_seconds']:.1f} s, window {run['window']}, steps {run['steps']}, "
              f"kept {run['generator']}", flush=True)
    median = statistics.median(r["fit_transform_seconds"] for r in runs)
    print(f"{runs[0]['rows']:,} rows × {runs[0]['columns']} columns, {args.scenario}, "
          f"generator={args.generator}: median fit_transform {median:.1f} s over "
          f"{len(runs)} run(s)")
    if args.out_json:
        write_json(Path(args.out_json), {
            "benchmark": "imputation_speed", "command": command,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_info(), "config": vars(args), "runs": runs,
            "median_fit_transform_seconds": median})
    return 0


if __name__ == "__main__":
    sys.exit(main())
