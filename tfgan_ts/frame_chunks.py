"""Frames too large for memory, a chunk at a time: writing generated chunks to a Parquet data
set (a folder of part files), one Parquet file or a CSV, and reading a Parquet file, data set
or CSV back as chunks of whole examples (every row of an example in the same chunk).

pyarrow is imported inside the functions, so ``import tfgan_ts`` does not pay for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from .spec_checks import show_value

PARQUET = (".parquet", ".pq")


def _is_csv(path: Path) -> bool:
    """A CSV by its name (``x.csv``, or compressed as pandas reads it: ``x.csv.gz``)."""
    return ".csv" in "".join(path.suffixes).lower()


def _parquet_files(path: Path) -> list[Path]:
    """``path`` itself, or the Parquet files of a folder (and its sub-folders) by name."""
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix.lower() in PARQUET)


class Written(NamedTuple):
    """What :meth:`DoppelGANger.generate_to` wrote: the path, sequences, rows, part files."""

    path: str
    sequences: int
    rows: int
    files: list[str]


def output_kind(path) -> str:
    """``"csv"`` or ``"parquet"`` for a file path by its extension, ``"folder"`` otherwise
    (a Parquet data set of part files). ValueError for a folder that already holds files,
    so an old data set is never mixed with a new one."""
    p = Path(path)
    suffix = p.suffix.lower()
    if _is_csv(p):
        return "csv"
    if suffix in PARQUET:
        return "parquet"
    if suffix:
        raise ValueError(f"output {str(path)!r}: use a .csv (optionally .csv.gz) or .parquet "
                         "file, or a folder "
                         "(no extension) for a Parquet data set of part files")
    if p.exists() and (not p.is_dir() or any(p.iterdir())):
        raise ValueError(f"output folder {str(path)!r} exists and is not empty: remove it "
                         "or choose a new folder (parts of two data sets must not mix)")
    return "folder"


class ChunkWriter:
    """Append DataFrames of one schema to a CSV, one Parquet file (a row group per chunk) or
    a folder of Parquet part files (a new one after each :meth:`next_file`).

    The writing runs on a thread of its own, at most two chunks behind, so the caller
    decodes the next chunk meanwhile (Parquet encoding releases the GIL). Dictionary
    encoding is kept for text and category columns only: on numbers it cost 2.5× the write
    time for files 10% smaller (traffic weeks). Errors of the thread surface at the next
    :meth:`write` or at :meth:`close`."""

    def __init__(self, path):
        self.path = Path(path)
        self.kind = output_kind(path)
        self.rows = 0
        self.files: list[str] = []
        self._schema = None
        self._writer = None
        self._pool = None
        self._pending: deque = deque()

    def write(self, df: pd.DataFrame) -> None:
        """Queue ``df`` for writing (waits while two chunks are queued)."""
        self._submit(self._write_csv if self.kind == "csv" else self._write_parquet, df)
        self.rows += len(df)

    def next_file(self) -> None:
        """Start a new part file with the next chunk (a folder output only)."""
        if self.kind == "folder":
            self._submit(self._close_file)

    def close(self) -> None:
        """Finish every queued write and close the file (raises the thread's error)."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._close_file()
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _submit(self, fn, *args) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1)
        while len(self._pending) >= 2:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(fn, *args))

    def _write_csv(self, df: pd.DataFrame) -> None:
        first = not self.files
        if first:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.files.append(str(self.path))
        df.to_csv(self.path, mode="w" if first else "a", header=first, index=False)

    def _write_parquet(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, schema=self._schema, preserve_index=False)
        self._schema = table.schema
        if self._writer is None:
            if self.kind == "folder":
                self.path.mkdir(parents=True, exist_ok=True)
                target = self.path / f"part-{len(self.files):05d}.parquet"
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                target = self.path
            text = [f.name for f in self._schema
                    if pa.types.is_dictionary(f.type) or pa.types.is_string(f.type)
                    or pa.types.is_large_string(f.type)]
            self._writer = pq.ParquetWriter(target, self._schema, use_dictionary=text)
            self.files.append(str(target))
        self._writer.write_table(table)

    def _close_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _parquet_tables(path: Path, columns) -> Iterator:
    """pyarrow record batches of a Parquet file or of every part file of a folder, in the
    order of the file names."""
    import pyarrow.parquet as pq

    files = _parquet_files(path)
    if not files:
        raise ValueError(f"{str(path)!r} holds no .parquet files")
    for f in files:
        yield from pq.ParquetFile(f).iter_batches(batch_size=65_536, columns=columns)


def iter_rows(source, rows: int, columns=None) -> Iterator[pd.DataFrame]:
    """A Parquet file or data set folder, or a CSV, as DataFrames of exactly ``rows`` rows
    (the last one shorter), in file order."""
    path = Path(source)
    if not path.exists():
        raise ValueError(f"{str(source)!r} does not exist")
    if path.is_file() and _is_csv(path):
        with pd.read_csv(path, chunksize=rows, usecols=columns) as reader:
            yield from reader
        return
    if path.is_file() and path.suffix.lower() not in PARQUET:
        raise ValueError(f"{str(source)!r}: use a .parquet or .csv file or a folder of "
                         ".parquet files")
    import pyarrow as pa

    pending, held = [], 0
    for batch in _parquet_tables(path, columns):
        pending.append(batch)
        held += batch.num_rows
        while held >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows).to_pandas()
            rest = table.slice(rows)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(pending).to_pandas()


def count_rows(source) -> int:
    """Rows of a Parquet file or data set folder (from the metadata, nothing read) or a CSV."""
    import pyarrow.parquet as pq

    path = Path(source)
    if path.is_file() and _is_csv(path):
        return sum(len(chunk) for chunk in iter_rows(path, 100_000))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in _parquet_files(path))


def whole_examples(chunks: Iterable[pd.DataFrame], example_id: str) -> Iterator[pd.DataFrame]:
    """Chunks regrouped so that each holds whole examples: an example's rows must be
    contiguous (as written by ``generate_to`` or sorted by id); the rows of the last example
    of a chunk are carried into the next. ValueError when an example's rows come back after
    another example's (its rows are not together) — sort the data by the id first."""
    seen: set = set()
    carry = None
    for chunk in chunks:
        if not isinstance(chunk, pd.DataFrame):
            raise ValueError(f"chunks must be DataFrames, got a {type(chunk).__name__}")
        if example_id not in chunk.columns:
            raise ValueError(f"example id column {example_id!r} is missing; the data have "
                             f"{list(chunk.columns)}")
        if carry is not None:
            chunk = pd.concat([carry, chunk], ignore_index=True)
        if not len(chunk):
            continue
        ids = chunk[example_id].to_numpy()
        last = ids[-1]
        tail = np.flatnonzero(ids != last)
        cut = tail[-1] + 1 if len(tail) else 0
        carry = chunk.iloc[cut:]
        done = chunk.iloc[:cut].reset_index(drop=True)
        if len(done):
            _check_contiguous(done[example_id], seen, example_id)
            yield done
    if carry is not None and len(carry):
        _check_contiguous(carry[example_id], seen, example_id)
        yield carry.reset_index(drop=True)


def _check_contiguous(ids: pd.Series, seen: set, example_id: str) -> None:
    """ValueError when an id of ``ids`` occurred in an earlier chunk or in two runs here."""
    values = ids.to_numpy()
    starts = np.r_[True, values[1:] != values[:-1]]
    runs = values[starts]
    unique = pd.unique(runs)
    again = [v for v in unique if v in seen]
    if len(unique) != len(runs) or again:
        dup = again[0] if again else pd.Series(runs)[pd.Series(runs).duplicated()].iloc[0]
        raise ValueError(f"rows of example {example_id}={show_value(dup)} are not together: "
                         "reading in chunks needs each example's rows next to each other "
                         f"(sort the data by {example_id!r}, or write it with generate_to)")
    seen.update(unique.tolist())
