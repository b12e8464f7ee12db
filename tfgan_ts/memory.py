"""Handing freed heap memory back to the operating system between the phases of a long job.

glibc's ``malloc`` keeps memory that Python, NumPy and TensorFlow have freed in its arenas
(one per thread that allocated, up to 8 per core) for later allocations, so a process's
resident set stays at its high-water mark after a large phase (tracing a network,
compiling it with XLA) has ended. :func:`release_free_memory` asks glibc to return those
free pages (``malloc_trim``); :func:`limit_malloc_arenas` caps the number of arenas
(``mallopt(M_ARENA_MAX)``), which keeps freed memory in fewer places where the next phase
reuses it. Both are no-ops where glibc is not the C library (macOS, Windows, musl).

Nothing here runs on import: the library calls :func:`release_free_memory` between
steps of a report, and the command line calls :func:`limit_malloc_arenas` when it starts
(a process-wide setting, so the library itself never does).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

_M_ARENA_MAX = -8  # glibc's malloc.h


@functools.cache
def _glibc():
    """glibc as a ctypes library, or None when the process runs on another C library."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim.argtypes, libc.mallopt.argtypes = [ctypes.c_size_t], [ctypes.c_int,
                                                                                ctypes.c_int]
        return libc
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Collect Python's garbage, then return glibc's free heap pages to the operating system.
    True if glibc released something."""
    gc.collect()
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process at ``arenas`` (call it before threads
    start: arenas made already stay). True if glibc accepted the setting."""
    libc = _glibc()
    return bool(libc.mallopt(_M_ARENA_MAX, int(arenas))) if libc is not None else False
