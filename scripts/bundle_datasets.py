#!/usr/bin/env python
"""Recreate the compressed data files shipped in ``tfgan_ts/datasets/data``.

Usage::

    python scripts/bundle_datasets.py [SOURCE_DIR] [--out OUT_DIR]

``SOURCE_DIR`` defaults to ``../shared/data`` relative to the repository root.
It must hold the CSV files described in its ``SOURCES.md``. ``OUT_DIR``
defaults to ``tfgan_ts/datasets/data``; pass another directory to check that
the script reproduces the shipped bytes without touching them. The loaders
that read each file are listed in ``tfgan_ts.datasets.registry.DATASETS``
(``DatasetInfo.files``); tests/test_datasets.py checks that the two agree.

Each file is written xz-compressed (Python's :mod:`lzma`, preset 9 extreme).
The output is deterministic: running the script twice gives identical bytes.
The bytes inside each ``.xz`` are the published bytes, except for
``berka_account_354.csv.xz``. That file keeps only the header and the lines of
the 354 accounts that appear in the transactions file, and each kept line is
copied byte for byte.

Before writing, the script checks every input file. The four files that are
byte-identical to their upstream source must match the git blob ids recorded
in SOURCES.md. The two Berka files were converted upstream (``;`` to ``,``,
dates to ISO), so they are checked against the SHA-256 of the copies the
bundle was built from. At the end the script prints the SHA-256 of each
uncompressed payload and the total size.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import lzma
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data"
OUT_DIR = REPO_ROOT / "tfgan_ts" / "datasets" / "data"
MAX_TOTAL_BYTES = 5 * 1024 * 1024

# source file name -> (bundled file name, kind, expected id)
#   kind "blob": expected git blob id of the upstream file (byte-identical copy)
#   kind "sha256": expected sha256 of the local (converted) copy
FILES = {
    "Metro_Interstate_Traffic_Volume.csv": (
        "Metro_Interstate_Traffic_Volume.csv.xz",
        "blob",
        "5bf867cb78935653f6b4e24720a8237a001eea0a",
    ),
    "berka_ecac_trans_354_loan_accounts.csv": (
        "berka_ecac_trans_354_loan_accounts.csv.xz",
        "sha256",
        "21e2951dbc55d7517ec02af9b242f80cde4e975165c1399bcbf55e9b356a76db",
    ),
    "berka_account.csv": (
        "berka_account_354.csv.xz",
        "sha256",
        "5632ad54d71468e588cd2cad8126247482130b6a6f1dc02b0efa56986325c6af",
    ),
    "PRSA_data_2010.1.1-2014.12.31.csv": (
        "PRSA_data_2010.1.1-2014.12.31.csv.xz",
        "blob",
        "6495d3c72dffc9eb6d714bacd9a4a987e2954d67",
    ),
    "fcc_mba_doppelganger.csv": (
        "fcc_mba_doppelganger.csv.xz",
        "blob",
        "12c81bc8ae6fdc106f33098d6c0d73b75bb419ea",
    ),
    "wikipedia_traffic_daily_10pages_long.csv": (
        "wikipedia_traffic_daily_10pages_long.csv.xz",
        "blob",
        "0da7e7c620148166b30ab2b8c0bcfdebfb70ad08",
    ),
}


def git_blob_id(data: bytes) -> str:
    """The id git gives ``data`` as a blob, to compare with the upstream commit's file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def check(name: str, data: bytes, kind: str, expected: str) -> None:
    """Stop with a message if a source file is not the expected version."""
    got = git_blob_id(data) if kind == "blob" else hashlib.sha256(data).hexdigest()
    if got != expected:
        raise SystemExit(f"{name}: {kind} {got} does not match the expected {expected}")


def transaction_accounts(trans_csv: bytes) -> set[str]:
    """The ``account_id`` values that occur in the transactions file."""
    reader = csv.DictReader(io.StringIO(trans_csv.decode("utf-8")))
    return {row["account_id"] for row in reader}


def subset_accounts(account_csv: bytes, keep: set[str]) -> bytes:
    """Keep the header and the lines whose first field is in ``keep``, byte for byte."""
    lines = account_csv.splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    if not header.startswith(b"account_id,"):
        raise SystemExit("berka_account.csv: unexpected header")
    kept = [ln for ln in body if ln.split(b",", 1)[0].decode() in keep]
    if len(kept) != len(keep):
        raise SystemExit(f"berka_account.csv: found {len(kept)} of {len(keep)} accounts")
    return header + b"".join(kept)


def compress(data: bytes) -> bytes:
    """``data`` as deterministic xz (preset 9 extreme)."""
    return lzma.compress(data, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)


def main(argv: list[str] | None = None) -> int:
    """Check the sources, write the compressed files and print their checksums."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", nargs="?", default=str(DEFAULT_SOURCE), help="directory with the source CSVs"
    )
    parser.add_argument(
        "--out",
        default=str(OUT_DIR),
        help="where to write the .csv.xz files (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    src = Path(args.source)
    out_dir = Path(args.out)

    raw = {}
    for name, (_, kind, expected) in FILES.items():
        data = (src / name).read_bytes()
        check(name, data, kind, expected)
        raw[name] = data

    keep = transaction_accounts(raw["berka_ecac_trans_354_loan_accounts.csv"])
    raw["berka_account.csv"] = subset_accounts(raw["berka_account.csv"], keep)

    out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, (out_name, _, _) in FILES.items():
        payload = raw[name]
        packed = compress(payload)
        if lzma.decompress(packed) != payload:
            raise SystemExit(f"{out_name}: round trip failed")
        (out_dir / out_name).write_bytes(packed)
        total += len(packed)
        print(
            f"{out_name:45s} {len(payload):>9,d} -> {len(packed):>9,d} bytes  "
            f"sha256(payload)={hashlib.sha256(payload).hexdigest()}"
        )
    print(f"total compressed: {total:,d} bytes")
    if total >= MAX_TOTAL_BYTES:
        raise SystemExit("bundled data exceed 5 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
