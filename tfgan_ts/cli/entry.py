"""The ``tfgan-ts`` entry point and its parser registry.

Building the parser imports no TensorFlow and no pandas, so ``--help``, ``--version`` and
argument errors answer at once; each command starts TensorFlow itself once its arguments
are checked (:mod:`.tensorflow_start`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from .bundled import add_datasets
from .impute import add_impute
from .privacy import add_privacy
from .sequences import add_evaluate, add_generate, add_synthesize
from .tables import add_oversample, add_synthesize_table
from .tensorflow_start import configure_threads_if, quiet_log_unless_verbose

# The sub-commands in the order ``--help`` lists them: each adds its parser to the registry.
COMMANDS = (add_datasets, add_synthesize, add_privacy, add_evaluate, add_impute,
            add_oversample, add_synthesize_table, add_generate)

_VERBOSE_HELP = ("show TensorFlow's start-up and C++ log lines (hidden by default)")


def build_parser() -> argparse.ArgumentParser:
    """The ``tfgan-ts`` parser with every sub-command of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="tfgan-ts",
        description="GANs for time series: synthesize, evaluate, impute and oversample.",
    )
    parser.add_argument("--version", action="version", version=f"tfgan-ts {__version__}")
    parser.add_argument("--threads", choices=["auto", "tf"], default="auto",
                        help="TensorFlow thread pools: auto (default) runs each operation on "
                        "one thread and as many side by side as there are cores, which is "
                        "faster for models of this size on small CPUs; tf keeps "
                        "TensorFlow's defaults")
    parser.add_argument("--verbose", action="store_true", help=_VERBOSE_HELP)
    # --verbose is accepted after the command too; SUPPRESS keeps a value given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                        help=_VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub, common)
    return parser


def run() -> int:
    """The ``tfgan-ts`` program (console script and ``python -m tfgan_ts.cli``): caps glibc's
    malloc arenas for the process at 2 before any thread starts (the main job's peak resident
    memory 1407 -> 1363 MB, same outputs; ``benchmarks/memory_main_job.py``), then
    :func:`main`. Called from Python, :func:`main` leaves the process's settings alone."""
    from ..memory import limit_malloc_arenas

    limit_malloc_arenas(2)
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tfgan-ts`` with ``argv`` (default: the process arguments); the exit code.

    Bad input ends with one ``error:`` line on stderr and exit code 2.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    quiet_log_unless_verbose(args)
    if "tensorflow" in sys.modules:  # called from Python: apply --threads at once
        configure_threads_if(args)
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
