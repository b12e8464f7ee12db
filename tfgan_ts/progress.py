"""One line per step of a long job: its name when it starts and its seconds when it ends
(``report: utility ... 12.3 s``), so that no step longer than a few seconds is silent."""

from __future__ import annotations

import contextlib
import time


@contextlib.contextmanager
def step(name: str, verbose=True, prefix: str = ""):
    """Print ``prefix name ...`` now and the elapsed seconds when the block ends (nothing
    when ``verbose`` is false)."""
    start = time.perf_counter()
    if verbose:
        print(f"{prefix}{name} ...", end="", flush=True)
    try:
        yield
    finally:
        if verbose:
            print(f" {time.perf_counter() - start:.1f} s", flush=True)
