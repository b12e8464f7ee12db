"""TensorFlow start-up for the commands that train, load or account: imported only after a
command has checked its arguments, with its C++ start-up log kept off the terminal.

The quiet start belongs to the command line alone: the library never touches logging or the
environment. ``--verbose`` shows everything TensorFlow prints.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

# 3 hides TensorFlow's C++ INFO, WARNING and ERROR lines (e.g. "failed call to cuInit" on a
# machine without a GPU); real failures still reach the user as Python exceptions.
QUIET_LOG_LEVEL = "3"


def quiet_log_unless_verbose(args: argparse.Namespace) -> None:
    """Set ``TF_CPP_MIN_LOG_LEVEL`` for this process unless ``--verbose`` was given, the
    user set it, or TensorFlow is loaded already (it reads the variable when it starts)."""
    if not getattr(args, "verbose", False) and "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", QUIET_LOG_LEVEL)


@contextlib.contextmanager
def _stderr_descriptor_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the block.

    TensorFlow's shared libraries write their first lines (oneDNN, CUDA stubs, "All log
    messages before absl::InitializeLog() ...") straight to the descriptor while they load,
    before ``TF_CPP_MIN_LOG_LEVEL`` is read; only the descriptor can hold them back. A Python
    exception raised in the block is printed after it, on the restored stderr.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def configure_threads_if(args: argparse.Namespace) -> None:
    """Apply ``--threads auto`` (``tg.configure_threads()``) unless TensorFlow has run
    already with its own settings (the CLI called from Python, e.g. in tests)."""
    if getattr(args, "threads", "auto") != "auto":
        return
    from ..runtime import configure_threads

    with contextlib.suppress(ValueError):
        configure_threads()


def start_tensorflow(args: argparse.Namespace) -> None:
    """Import TensorFlow (quietly unless ``--verbose``) and set its thread pools.

    Call it after the command's arguments are checked and before anything that imports
    TensorFlow, so that the quiet start covers every import path.
    """
    if "tensorflow" not in sys.modules:
        quiet_log_unless_verbose(args)
        if getattr(args, "verbose", False):
            import tensorflow  # noqa: F401
        else:
            with _stderr_descriptor_silenced():
                import tensorflow  # noqa: F401
    configure_threads_if(args)
