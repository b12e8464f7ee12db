"""Metro Interstate traffic: the raw hourly table and fixed-length windows for DoppelGANger."""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._files import read_bundled_csv, to_datetime_ns

if TYPE_CHECKING:
    from ..spec import SequenceSpec

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

TRAFFIC_FILE = "Metro_Interstate_Traffic_Volume.csv.xz"
FILES = (TRAFFIC_FILE,)


def _check_int(name: str, value: object, minimum: int) -> int:
    """``value`` as an int if it is a whole number >= ``minimum``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}; pass a whole number")
    try:
        value = operator.index(value)
    except TypeError:
        raise ValueError(
            f"{name} must be an integer, got {value!r}; pass a whole number"
        ) from None
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


@functools.lru_cache(maxsize=1)
def _traffic_raw() -> pd.DataFrame:
    # The file has no empty fields, and the literal string "None" in `holiday`
    # means "no holiday". Turn off pandas' default NA strings so that it stays
    # the string "None" and nothing else is reinterpreted.
    df = read_bundled_csv(TRAFFIC_FILE, keep_default_na=False, na_values=[])
    df["date_time"] = to_datetime_ns(pd.to_datetime(df["date_time"], format="%Y-%m-%d %H:%M:%S"))
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


def load_traffic() -> pd.DataFrame:
    """UCI Metro Interstate Traffic Volume, hourly, as shipped (only ``date_time`` is parsed).

    Returns:
        48,204 rows x 9 columns in file order: ``holiday`` (str), ``temp``
        (float64, kelvin), ``rain_1h``, ``snow_1h`` (float64, mm), ``clouds_all``
        (int64, %), ``weather_main``, ``weather_description`` (str), ``date_time``
        (datetime64[ns]) and ``traffic_volume`` (int64, vehicles per hour,
        westbound I-94, MN DoT ATR station 301), 2012-10-02 09:00 to
        2018-09-30 23:00.

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
    """Metro traffic cut into fixed-length hourly windows, long format, for DoppelGANger.

    Each window is one example with attributes (``weekday``, ``month``,
    ``holiday``) and features (``traffic_volume``, ``temp``).

    Cleaning, in order:

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

    Args:
        length: Hours per window (168 = one week). Must be >= 2.
        stride: Hours between the starts of consecutive candidate windows.
            Must be >= 1.
        max_gap: Longest run of consecutive missing hours that is filled by
            interpolation. Must be >= 0.

    Returns:
        One row per (window, hour), sorted by ``window`` then ``hour``, with
        the columns:

        * ``window`` (int64): window id, 0 .. n_windows - 1, in time order.
        * ``hour`` (int64): position within the window, 0 .. length - 1.
        * ``weekday`` (ordered Categorical, ``"Monday"`` .. ``"Sunday"``):
          the day name of the window's first hour.
        * ``month`` (int64, 1 .. 12): the month of the window's first hour.
        * ``holiday`` (bool): True if any hour of the window falls on a
          calendar date that the raw data marks as a holiday.
        * ``traffic_volume`` (int64): vehicles per hour.
        * ``temp`` (float64): temperature in kelvin.

        The attributes are constant within a window. Other ``attrs``:
        ``n_windows``, ``candidate_windows``, ``first_window_start`` (ISO
        string, or None if no window is kept), ``length``, ``stride``,
        ``max_gap``, ``grid_hours``, ``raw_rows``, ``unfilled_hours``,
        ``holiday_dates``.

    Raises:
        ValueError: If an argument is not an integer, or if ``length < 2``,
            ``stride < 1`` or ``max_gap < 0``.
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


def traffic_weeks_spec() -> SequenceSpec:
    """Spec for :func:`traffic_weeks`: calendar attributes, volume and temperature features."""
    from ..columns import Continuous, Discrete
    from ..spec import SequenceSpec

    return SequenceSpec(
        example_id="window", time="hour",
        attributes=[Discrete("weekday"), Discrete("month"), Discrete("holiday")],
        features=[Continuous("traffic_volume", unit="vehicles/hour"),
                  Continuous("temp", unit="K")])


def traffic_weeks_public_spec(length: int = 168) -> SequenceSpec:
    """Spec for :func:`traffic_weeks` with every bound and category taken from public facts.

    Differentially private training needs this: weekdays, months 1-12, holiday yes/no,
    ``length`` hours (168; 24 for private runs' counter-days), volume 0-8,000 vehicles/hour
    (about 4 lanes at the ~2,000 vehicles per lane-hour capacity of a freeway), temperature
    230-320 K (beyond Minnesota's recorded extremes of -51 C and 46 C).
    """
    from ..columns import Continuous, Discrete
    from ..spec import SequenceSpec

    return SequenceSpec(
        example_id="window", time="hour", max_length=_check_int("length", length, 2),
        attributes=[Discrete("weekday", list(WEEKDAYS)), Discrete("month", list(range(1, 13))),
                    Discrete("holiday", [False, True])],
        features=[Continuous("traffic_volume", bounds=(0, 8000), unit="vehicles/hour"),
                  Continuous("temp", bounds=(230, 320), unit="K")])
