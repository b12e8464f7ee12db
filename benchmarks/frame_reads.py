"""How often one `tfgan-ts synthesize` run orders, validates and transforms frames (issue 16:
each frame should be prepared once). Counts calls of the spec's ordering, its full
validation (``SequenceSpec._prepare``) and ``transform`` during a 1-epoch run on the bundled
traffic data, report included.

Usage: python benchmarks/frame_reads.py OUT_DIR  (with PYTHONPATH=<checkout> to count an
older checkout; before the spec split ``sequence_order`` was a method, after it a function of
``tfgan_ts.layout`` that the method and ``long_frame`` call).
"""

import collections
import sys

import tfgan_ts.spec as specmod
from tfgan_ts.spec import SequenceSpec

counts = collections.Counter()


def wrap(owner, name, label):
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        counts[label] += 1
        return original(*args, **kwargs)

    setattr(owner, name, counted)


if hasattr(specmod, "sequence_order"):
    import tfgan_ts.layout as layout

    wrap(layout, "sequence_order", "sequence_order")
    wrap(specmod, "sequence_order", "sequence_order")
else:
    wrap(SequenceSpec, "sequence_order", "sequence_order")
wrap(SequenceSpec, "_prepare", "full validation (_prepare)")
wrap(SequenceSpec, "transform", "transform")

from tfgan_ts.cli import main  # noqa: E402  (after the counters are in place)

code = main(["synthesize", "--epochs", "1", "--out", f"{sys.argv[1]}/synthetic.csv",
             "--seed", "0"])
print("exit", code)
for label, n in sorted(counts.items()):
    print(f"COUNT {label}: {n}")
