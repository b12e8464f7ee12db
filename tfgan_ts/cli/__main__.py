"""``python -m tfgan_ts.cli``: the ``tfgan-ts`` command."""

import sys

from .entry import run

sys.exit(run())
