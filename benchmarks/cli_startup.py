"""Start-up time of the tfgan-ts command line: --help, --version and an argument error.

Usage: python benchmarks/cli_startup.py SOURCE_DIR [RUNS]   (runs `python -m tfgan_ts.cli` with
PYTHONPATH=SOURCE_DIR, so an uninstalled checkout or worktree can be timed as it is).
Prints the median and all wall-clock times per command, exit code and whether stderr held a
TensorFlow log line.
"""

import os
import statistics
import subprocess
import sys
import time

CASES = {
    "--help": ["--help"],
    "--version": ["--version"],
    "synthesize --help": ["synthesize", "--help"],
    "misspelt --data": ["synthesize", "--data", "trafic.csv", "--example-id", "id",
                        "--features", "x"],
}
TF_LINES = ("cuInit", "absl", "oneDNN", "cuda", "cpu_feature_guard", "tensorflow")

source, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
env = dict(os.environ, PYTHONPATH=source)
env.pop("TF_CPP_MIN_LOG_LEVEL", None)
for name, args in CASES.items():
    times, codes, tf_log = [], set(), False
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "tfgan_ts.cli", *args], env=env,
                             capture_output=True, text=True, cwd="/tmp")
        times.append(time.perf_counter() - start)
        codes.add(out.returncode)
        tf_log |= any(word in out.stderr for word in TF_LINES)
    print(f"{name:<20} median {statistics.median(times):6.2f} s  runs "
          f"{' '.join(f'{t:.2f}' for t in times)}  exit {sorted(codes)}  TF log {tf_log}",
          flush=True)
