"""Peak resident memory of the main job (``tfgan-ts synthesize`` on the bundled traffic
weeks, default settings), phase by phase.

Usage::

    python benchmarks/memory_main_job.py SOURCE_DIR [RUNS] [--env NAME=VALUE ...] [-- CLI ARGS]

Each run is a fresh ``python`` process with ``PYTHONPATH=SOURCE_DIR`` that runs the command
line in-process in an empty temporary folder (``tfgan_ts.cli.entry.run`` where it exists,
with the program's process settings as ``python -m tfgan_ts.cli`` has them, else
``main``), with hooks on the phases: the CLI's and the report's progress steps
(``tfgan_ts.progress.step``), the spec's transform and inverse transform and DoppelGANger's
fit. At each phase boundary the child
reads the kernel's peak resident set (``VmHWM`` in ``/proc/self/status``) and resets it
(``echo 5 > /proc/self/clear_refs``), so each phase's peak is its own; the largest is the
process's peak, as ``/usr/bin/time -v`` reports it. ``--env`` sets variables for the child
(e.g. ``--env MALLOC_ARENA_MAX=2``). Prints one table per run, then the median over runs of
each phase's peak and of the process's peak and wall time, and the SHA-256 of synthetic.csv
and of report.json without its ``created`` time, to check that a change kept the outputs.
Linux only.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r'''
import contextlib, functools, json, sys, time

def status():
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out

PHASES = []          # [name, rss at start (MB), peak (MB), seconds]
state = {"name": "python + argparse + data + spec.fit", "rss": status()["VmRSS"],
         "t": time.perf_counter()}

def switch(name):
    now = status()
    PHASES.append([state["name"], state["rss"], now["VmHWM"],
                   time.perf_counter() - state["t"]])
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    state.update(name=name, rss=status()["VmRSS"], t=time.perf_counter())

import tfgan_ts.progress as progress
original_step = progress.step

@contextlib.contextmanager
def step(name, verbose=True, prefix=""):
    label = (prefix + name.split(" (")[0].split(" ...")[0]).strip()
    switch(label)
    try:
        with original_step(name, verbose, prefix):
            yield
    finally:
        switch("after " + label)

progress.step = step
import tfgan_ts.cli.sequences as sequences
sequences.step = step

def wrap(owner, attr, label):
    fn = getattr(owner, attr)
    @functools.wraps(fn)
    def inner(*a, **k):
        outer = state["name"]
        switch(label)
        try:
            return fn(*a, **k)
        finally:
            switch(outer + " (cont.)" if not outer.endswith("(cont.)") else outer)
    setattr(owner, attr, inner)

from tfgan_ts.spec import SequenceSpec
wrap(SequenceSpec, "inverse_transform", "spec.inverse_transform")

real_main = sequences._cmd_synthesize
def synthesize(args):
    # TensorFlow-dependent hooks once the command has started TensorFlow
    real_start = sequences.start_tensorflow
    def start(a):
        real_start(a)
        from tfgan_ts.models import DoppelGANger
        wrap(DoppelGANger, "make_dataset", "spec.transform + dataset")
        fit = DoppelGANger.fit
        def fit_hooked(self, *x, **k):
            real_ready = self._ensure_ready
            def ready():
                real_ready()
                switch("training (build + fit)")
            self._ensure_ready = ready
            try:
                return fit(self, *x, **k)
            finally:
                del self._ensure_ready
                switch("after training")
        DoppelGANger.fit = fit_hooked
    sequences.start_tensorflow = start
    return real_main(args)
sequences._cmd_synthesize = synthesize  # add_synthesize reads it when building
from tfgan_ts.cli import entry
code = getattr(entry, "run", entry.main)()  # run(): the program, with its process settings
switch("end")
json.dump({"code": code, "phases": PHASES}, open("phases.json", "w"))
'''


def digest_outputs(folder: str) -> tuple[str, str]:
    """SHA-256 (first 16 hex digits) of synthetic.csv and of report.json without meta.created."""
    with open(os.path.join(folder, "synthetic.csv"), "rb") as fh:
        csv = hashlib.sha256(fh.read()).hexdigest()[:16]
    with open(os.path.join(folder, "report.json"), encoding="utf-8") as fh:
        rep = json.load(fh)
    rep["meta"].pop("created", None)
    rep = hashlib.sha256(json.dumps(rep, sort_keys=True).encode()).hexdigest()[:16]
    return csv, rep


def run_once(source: str, env_extra: dict, cli_args: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=source, **env_extra)
    with tempfile.TemporaryDirectory(prefix="memjob-") as folder:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, "synthesize", "--quiet", *cli_args],
                             env=env, cwd=folder, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if out.returncode != 0:
            sys.exit(f"the job failed ({out.returncode}):\n{out.stdout[-2000:]}\n"
                     f"{out.stderr[-4000:]}")
        with open(os.path.join(folder, "phases.json"), encoding="utf-8") as fh:
            phases = json.load(fh)["phases"]
        hashes = digest_outputs(folder)
    merged: dict[str, list[float]] = {}  # a phase met twice: its larger peak, summed time
    for name, rss, peak, secs in phases:
        if name in merged:
            merged[name] = [merged[name][0], max(merged[name][1], peak), merged[name][2] + secs]
        else:
            merged[name] = [rss, peak, secs]
    return {"phases": merged, "wall": wall, "peak": max(p[1] for p in merged.values()),
            "hashes": hashes}


def main() -> None:
    argv = sys.argv[1:]
    cli_args = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    env_extra = {}
    while "--env" in argv:
        i = argv.index("--env")
        name, _, value = argv[i + 1].partition("=")
        env_extra[name] = value
        del argv[i:i + 2]
    source, runs = argv[0], int(argv[1]) if len(argv) > 1 else 1
    results = []
    for r in range(runs):
        res = run_once(source, env_extra, cli_args)
        results.append(res)
        print(f"run {r + 1}: peak {res['peak']:.0f} MB, wall {res['wall']:.0f} s, "
              f"synthetic.csv {res['hashes'][0]}, report.json {res['hashes'][1]}", flush=True)
    print(f"\nmedian of {runs} run(s), env {env_extra or 'unchanged'}, CLI args {cli_args}")
    print(f"{'phase':<58} {'RSS at start':>12} {'peak MB':>8} {'s':>6}")
    for name in results[0]["phases"]:
        vals = [r["phases"][name] for r in results if name in r["phases"]]
        print(f"{name:<58} {statistics.median(v[0] for v in vals):12.0f} "
              f"{statistics.median(v[1] for v in vals):8.0f} "
              f"{statistics.median(v[2] for v in vals):6.1f}")
    peaks = " ".join(f"{r['peak']:.0f}" for r in results)
    print(f"process peak: median {statistics.median(r['peak'] for r in results):.0f} MB "
          f"(runs {peaks}); wall: median "
          f"{statistics.median(r['wall'] for r in results):.0f} s")
    hashes = {r["hashes"] for r in results}
    print("outputs identical across runs" if len(hashes) == 1 else f"outputs differ: {hashes}")


if __name__ == "__main__":
    main()
