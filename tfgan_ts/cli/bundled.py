"""``tfgan-ts datasets``: list the bundled real data sets, or show and export one."""

from __future__ import annotations

import argparse

from .frames import write_frame


def _cmd_datasets(args: argparse.Namespace) -> int:
    from .. import datasets

    if args.name:
        if args.name not in datasets.DATASETS:
            raise ValueError(f"unknown data set {args.name!r}; run 'tfgan-ts datasets' for "
                             "the list")
        df = datasets.get_loader(args.name)()
        print(f"{args.name}: {df.shape[0]} rows x {df.shape[1]} columns")
        print(df.head(args.head).to_string())
        if args.out:
            write_frame(df, args.out)
            print(f"wrote {args.out}")
        return 0
    import pandas as pd

    table = datasets.list_datasets()
    with pd.option_context("display.max_colwidth", 100, "display.width", 200):
        print(table.to_string(index=False))
    return 0


def add_datasets(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``datasets`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("datasets", parents=[common],
                       help="list the bundled data sets, or show/export one",
                       description="List the bundled real data sets with their shapes; with "
                       "--name, show the head of one and optionally write it out.")
    p.add_argument("--name", help="loader name, e.g. traffic_weeks or bank_transactions")
    p.add_argument("--head", type=int, default=5, help="rows to show (default 5)")
    p.add_argument("--out", help="write the data set to this CSV/Parquet file")
    p.set_defaults(func=_cmd_datasets)
