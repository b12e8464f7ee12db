"""Files in and out of the command line: CSV or Parquet by extension, and the one date parser
that turns a CSV's date text back into datetimes.

pandas is imported inside the functions: ``tfgan-ts --help`` and argument errors must not pay
for it.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import SequenceSpec

_PARQUET = (".parquet", ".pq")


def read_frame(path: str) -> pd.DataFrame:
    """A CSV (optionally compressed) or Parquet file as a DataFrame.

    Raises ValueError if the file does not exist or has another extension; both are checked
    before pandas is imported, so a misspelt name fails at once.
    """
    p = Path(path)
    if not p.exists():
        raise ValueError(f"data file {path!r} does not exist")
    suffixes = "".join(p.suffixes).lower()
    if not suffixes.endswith(_PARQUET) and ".csv" not in suffixes:
        raise ValueError(f"data file {path!r}: use a .csv (optionally compressed) or .parquet "
                         "file")
    import pandas as pd

    if suffixes.endswith(_PARQUET):
        return pd.read_parquet(p)
    try:
        return pd.read_csv(p)
    except pd.errors.EmptyDataError:
        raise ValueError(f"data file {path!r} is empty: it needs a header row of column names "
                         "and one row per step") from None


def write_frame(df: pd.DataFrame, path: str) -> None:
    """Write ``df`` without its index as Parquet (.parquet/.pq) or else CSV, creating the
    folder if needed."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() in _PARQUET:
        df.to_parquet(p, index=False)
    else:
        df.to_csv(p, index=False)


def parse_dates(values: pd.Series) -> pd.Series | None:
    """``values`` as datetimes when it is text and every value is a date written in one
    format (ISO 8601, as pandas writes dates to CSV, or one other format pandas recognizes
    from the first value, e.g. ``01/31/2024 13:00``); None otherwise.

    One format for the whole column: mixing formats (``01/02/2024`` next to ``13/02/2024``)
    would read some days as months, and dateutil's free parsing reads ``t1`` as year 1, so
    neither is accepted. A missing value also means None: the column is then left as text.
    """
    import pandas as pd
    from pandas.tseries.api import guess_datetime_format

    if not pd.api.types.is_string_dtype(values.dtype) or values.isna().any() or values.empty:
        return None
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    if parsed.notna().all():
        return parsed
    first = values.iloc[0]
    if not isinstance(first, str):
        return None
    with warnings.catch_warnings():  # the guess warns about day-first formats
        warnings.simplefilter("ignore", UserWarning)
        fmt = guess_datetime_format(first)
    if fmt is None:
        return None
    parsed = pd.to_datetime(values, errors="coerce", format=fmt)
    return parsed if parsed.notna().all() else None


def coerce_to_spec(df: pd.DataFrame, spec: SequenceSpec, source: str = "the data"
                   ) -> pd.DataFrame:
    """Undo what a CSV round trip does to a frame the spec was fitted on: read the time
    column's text back as datetimes when the spec was fitted on datetimes.

    Raises ValueError naming the column and ``source`` if that text is not dates.
    """
    import pandas as pd

    if not (spec.time and spec.time_kind_ == "datetime" and spec.time in df.columns) or \
            pd.api.types.is_datetime64_any_dtype(df[spec.time]):
        return df
    parsed = parse_dates(df[spec.time])
    if parsed is None:
        raise ValueError(f"{source}: time column {spec.time!r} must hold dates, as when the "
                         f"spec was fitted (e.g. 2024-01-31 or 2024-01-31 13:00), one format "
                         f"for the whole column and no empty cells; got e.g. "
                         f"{df[spec.time].iloc[:3].tolist()}")
    return df.assign(**{spec.time: parsed})
