"""The ``tfgan-ts`` command line: sub-commands over the library's layers.

Each sub-command reads and writes CSV or Parquet (chosen by the file extension). Modules:
``entry`` (``main``, the parser registry), ``frames`` (file I/O, the date parser), ``flags``
(structured flag values), ``tensorflow_start`` (quiet, late TensorFlow start) and one module
per command group: ``sequences`` (synthesize, generate, evaluate), ``privacy``, ``impute``,
``tables`` (oversample, synthesize-table), ``bundled`` (datasets).
"""

from .entry import build_parser, main
from .frames import coerce_to_spec, parse_dates, read_frame, write_frame

__all__ = ["build_parser", "coerce_to_spec", "main", "parse_dates", "read_frame", "write_frame"]
