"""Reading the xz-compressed files shipped in ``tfgan_ts/datasets/data``."""

from __future__ import annotations

import importlib.resources
from typing import Any

import pandas as pd

DATA_PACKAGE = __package__


def read_bundled_csv(name: str, **kwargs: Any) -> pd.DataFrame:
    """One bundled ``.csv.xz`` file as a DataFrame (``kwargs`` go to ``pandas.read_csv``)."""
    ref = importlib.resources.files(DATA_PACKAGE).joinpath("data", name)
    with ref.open("rb") as fh:
        return pd.read_csv(fh, compression="xz", **kwargs)


def to_datetime_ns(values: pd.Series | pd.DatetimeIndex) -> pd.Series | pd.DatetimeIndex:
    """Datetimes as ``datetime64[ns]`` whatever resolution this pandas version parses to."""
    return values.astype("datetime64[ns]")
