"""The ``tfgan-ts`` command line: sub-commands over the library's layers.

Each sub-command reads and writes CSV or Parquet (chosen by the file extension). TensorFlow is
imported only by the sub-commands that train or generate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ._version import __version__


def read_frame(path: str) -> pd.DataFrame:
    """A CSV or Parquet file as a DataFrame; ValueError for other extensions."""
    p = Path(path)
    if not p.exists():
        raise ValueError(f"data file {path!r} does not exist")
    suffixes = "".join(p.suffixes).lower()
    if suffixes.endswith((".parquet", ".pq")):
        return pd.read_parquet(p)
    if ".csv" in suffixes:
        return pd.read_csv(p)
    raise ValueError(f"data file {path!r}: use a .csv (optionally compressed) or .parquet file")


def write_frame(df: pd.DataFrame, path: str) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() in (".parquet", ".pq"):
        df.to_parquet(p, index=False)
    else:
        df.to_csv(p, index=False)


def _cmd_datasets(args) -> int:
    from . import datasets

    if args.name:
        loader = getattr(datasets, args.name, None)
        if loader is None or args.name not in datasets.__all__ or args.name in (
            "list_datasets", "default_spec"
        ):
            print(f"unknown data set {args.name!r}; run 'tfgan-ts datasets' for the list",
                  file=sys.stderr)
            return 2
        df = loader()
        print(f"{args.name}: {df.shape[0]} rows x {df.shape[1]} columns")
        print(df.head(args.head).to_string())
        if args.out:
            write_frame(df, args.out)
            print(f"wrote {args.out}")
        return 0
    table = datasets.list_datasets()
    with pd.option_context("display.max_colwidth", 100, "display.width", 200):
        print(table.to_string(index=False))
    return 0


def _cmd_synthesize(args) -> int:
    print(
        "tfgan-ts synthesize needs the DoppelGANger model, which has not landed yet "
        "(see the DoppelGANger issue). The data layer is ready: 'tfgan-ts datasets' lists "
        "the bundled data.",
        file=sys.stderr,
    )
    return 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tfgan-ts",
        description="GANs for time series: synthesize, evaluate, impute and oversample.",
    )
    parser.add_argument("--version", action="version", version=f"tfgan-ts {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the bundled data sets, or show/export one",
                       description="List the bundled real data sets with their shapes; with "
                       "--name, show the head of one and optionally write it out.")
    p.add_argument("--name", help="loader name, e.g. traffic_weeks or bank_transactions")
    p.add_argument("--head", type=int, default=5, help="rows to show (default 5)")
    p.add_argument("--out", help="write the data set to this CSV/Parquet file")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser("synthesize", help="fit DoppelGANger and generate synthetic sequences",
                       description="Fit a DoppelGANger model and generate synthetic sequences. "
                       "With no --data it runs on the bundled traffic windows.")
    p.add_argument("--data", help="long-format CSV/Parquet of sequences (default: bundled)")
    p.set_defaults(func=_cmd_synthesize)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
