"""Build and run the notebooks in ``notebooks/``.

    python scripts/notebooks.py run                    # every notebook, full mode, outputs saved
    python scripts/notebooks.py run 03 05 --fast       # some of them, TFGAN_TS_FAST=1
    python scripts/notebooks.py from-py draft.py notebooks/07_x.ipynb

``run`` executes each notebook top to bottom in a fresh kernel with nbclient and writes it
back with its outputs (the committed notebooks carry a full run's outputs), minus
TensorFlow's C++ start-up log lines on stderr. Full mode unsets
``TFGAN_TS_FAST``; ``--fast`` sets it to 1, as CI does. ``from-py`` turns a script with
``# %%`` / ``# %% [markdown]`` cell markers into a notebook without outputs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MAX_BYTES = 2_000_000


# TensorFlow's C++ start-up lines (absl format, e.g. "I0000 00:00:17952... cudart_stub.cc:31] ...")
# reach the kernel's stderr before TF_CPP_MIN_LOG_LEVEL is read; they say nothing about the
# notebook, so `run` drops exactly those lines from stderr outputs.
_TF_LOG = re.compile(r"^([IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\] "
                     r"|WARNING: All log messages before absl)")


def _drop_tf_log(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(line for line in out["text"].splitlines(keepends=True)
                               if not _TF_LOG.match(line))
                if not text.strip():
                    continue
                out["text"] = text
            kept.append(out)
        cell["outputs"] = kept


def from_py(src: Path, out: Path) -> None:
    """Percent-format script → notebook: ``# %%`` starts a code cell, ``# %% [markdown]`` a
    markdown cell whose lines are written as ``# text``."""
    cells, kind, lines = [], None, []

    def flush():
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                             for line in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif kind == "code" and text:
            cells.append(nbformat.v4.new_code_cell(text))

    for line in src.read_text().splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind is not None:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, out)
    print(f"wrote {out} ({len(cells)} cells)")


def run(paths: list[Path], fast: bool, timeout: int) -> int:
    """Execute each notebook in place; returns the number that failed or are too large."""
    env_before = os.environ.get("TFGAN_TS_FAST")
    if fast:
        os.environ["TFGAN_TS_FAST"] = "1"
    else:
        os.environ.pop("TFGAN_TS_FAST", None)
    failed = 0
    try:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            start = time.perf_counter()
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(NOTEBOOKS)}})
            try:
                client.execute()
            except Exception as err:  # noqa: BLE001 - report and go on with the next one
                failed += 1
                print(f"FAILED {path.name}: {type(err).__name__}: {str(err)[-2000:]}")
            seconds = time.perf_counter() - start
            _drop_tf_log(nb)
            nbformat.write(nb, path)
            size = path.stat().st_size
            too_big = size > MAX_BYTES
            failed += too_big
            print(f"{path.name}: {'fast' if fast else 'full'} mode, {seconds:.0f} s, "
                  f"{size / 1e6:.2f} MB{' — OVER 2 MB' if too_big else ''}", flush=True)
    finally:
        if env_before is None:
            os.environ.pop("TFGAN_TS_FAST", None)
        else:
            os.environ["TFGAN_TS_FAST"] = env_before
    return failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="execute notebooks in place, outputs saved")
    r.add_argument("names", nargs="*", help="notebook files or number prefixes (default: all)")
    r.add_argument("--fast", action="store_true", help="TFGAN_TS_FAST=1, as CI runs them")
    r.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    c = sub.add_parser("from-py", help="percent-format script → notebook")
    c.add_argument("src", type=Path)
    c.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "from-py":
        from_py(args.src, args.out)
        return 0
    every = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = []
        for name in args.names:
            hits = [p for p in every if p.name.startswith(name) or str(p) == name
                    or p.name == Path(name).name]
            if not hits:
                parser.error(f"no notebook matches {name!r}; have {[p.name for p in every]}")
            paths.extend(hits)
    else:
        paths = every
    return 1 if run(paths, args.fast, args.timeout) else 0


if __name__ == "__main__":
    sys.exit(main())
