"""Spending forecasts against a monthly budget: daily totals from transactions, projected
month totals, the day the budget would be exceeded, and the daily amount that keeps within
it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .estimators import LSTMForecaster

__all__ = ["BudgetCheck", "LSTMForecaster", "budget_check", "daily_totals"]


@dataclass
class BudgetCheck:
    """Result of :func:`budget_check`: every month touched, then the month of the first
    forecast day in detail.

    Attributes:
        months: one row per calendar month that the history or the forecast touches —
            ``spent`` (history), ``forecast``, ``projected`` (their sum), ``budget``,
            ``remaining`` (budget − projected), ``exceeded_on`` (first day the month's running
            total passes the budget, or NaT), ``complete`` (every day of the month is in
            history or forecast).
        month: the month of the first forecast day; the fields below are for it.
        spent_to_date: spent in that month before the forecast starts.
        projected_total: spent plus forecast for that month.
        budget: the monthly budget.
        exceeds_on: the day the running total passes the budget, or None.
        daily_allowance: the daily amount that keeps within the budget for the rest of the
            month (0 once it is spent).
        days_left: days of the month from the first forecast day on.
    """

    months: pd.DataFrame
    month: pd.Period
    spent_to_date: float
    projected_total: float
    budget: float
    exceeds_on: pd.Timestamp | None
    daily_allowance: float
    days_left: int

    @property
    def over_budget(self) -> bool:
        """True when the projected total of the first forecast month passes the budget."""
        return self.projected_total > self.budget

    def summary(self) -> str:
        """One sentence for a person: spent, projected, the exceed day and the allowance."""
        when = (f"the budget is exceeded on {self.exceeds_on.date()}" if self.exceeds_on
                is not None else "the budget holds")
        return (f"{self.month}: spent {self.spent_to_date:,.2f} so far, projected "
                f"{self.projected_total:,.2f} of {self.budget:,.2f}; {when}; spending at most "
                f"{self.daily_allowance:,.2f} a day for the {self.days_left} days left keeps "
                "within it")


def daily_totals(df: pd.DataFrame, example_id: str, time: str, amount: str,
                 where: ArrayLike | None = None) -> pd.DataFrame:
    """Transactions → one row per example and calendar day, with the day's total ``amount``.

    Every day from an example's first to its last transaction (all its rows count for the
    span) gets a row; the total sums ``amount`` over the rows where ``where`` is True (all
    rows when None), 0 on days without any. Returns columns ``[example_id, time, amount]``
    sorted by example and day, ``time`` at midnight — the daily series ``budget_check`` and
    ``LSTMForecaster`` take. E.g. daily withdrawals of bank accounts:
    ``daily_totals(bank, "account_id", "date", "amount", where=bank["type"] != "credit")``.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"daily_totals expects a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in (example_id, time, amount) if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the frame; it has {list(df.columns)}")
    if len(df) == 0:
        raise ValueError("the frame is empty: no transactions to total")
    if not pd.api.types.is_datetime64_any_dtype(df[time]):
        raise ValueError(f"column {time!r} must hold datetimes (dtype {df[time].dtype}); "
                         f"convert it with pd.to_datetime(df[{time!r}])")
    if df[time].isna().any():
        raise ValueError(f"column {time!r} has {int(df[time].isna().sum())} missing date(s), "
                         f"first in row {df.index[df[time].isna().to_numpy()][0]!r}; drop or "
                         "fill those rows first")
    if df[example_id].isna().any():
        raise ValueError(f"column {example_id!r} has {int(df[example_id].isna().sum())} "
                         "missing id(s); every row must belong to an example")
    if where is None:
        include = np.ones(len(df), bool)
    else:
        include = np.asarray(where)
        if include.shape != (len(df),) or include.dtype != bool:
            raise ValueError(f"where must be a boolean mask with one value per row "
                             f"({len(df)}), got dtype {include.dtype} and shape "
                             f"{include.shape}")
    values = pd.to_numeric(df[amount], errors="coerce").to_numpy(dtype=np.float64)
    bad = include & ~np.isfinite(values)
    if bad.any():
        raise ValueError(f"column {amount!r} has {int(bad.sum())} missing or non-numeric "
                         f"value(s) among the rows to total, first in row "
                         f"{df.index[bad][0]!r}; fix or exclude them with where=")
    days = df[time].dt.normalize()
    totals = (pd.DataFrame({"id": df[example_id].to_numpy(), "day": days.to_numpy(),
                            "v": np.where(include, values, 0.0)})
              .groupby(["id", "day"], sort=True)["v"].sum())
    parts = []
    for key, s in totals.groupby(level="id", sort=True):
        s = s.droplevel("id")
        s = s.reindex(pd.date_range(s.index[0], s.index[-1], freq="D"), fill_value=0.0)
        parts.append(pd.DataFrame({example_id: key, time: s.index, amount: s.to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    out[example_id] = out[example_id].astype(df[example_id].dtype)
    return out


def _daily_series(x: object, name: str) -> pd.Series:
    if not isinstance(x, pd.Series) or not isinstance(x.index, pd.DatetimeIndex):
        raise ValueError(f"{name} must be a pandas Series of daily amounts indexed by date "
                         "(a DatetimeIndex); e.g. df.set_index('date')['amount']")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    values = pd.to_numeric(x, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(f"{name} has {int(bad.sum())} missing or non-numeric amount(s), first "
                         f"on {x.index[np.argmax(bad)].date()}; fill days without spending "
                         "with 0")
    idx = x.index
    if (idx != idx.normalize()).any():
        raise ValueError(f"{name} must have one value per calendar day (dates without a time "
                         "of day); sum the amounts per day first, e.g. "
                         "s.resample('D').sum()")
    if not idx.is_monotonic_increasing or idx.has_duplicates:
        raise ValueError(f"{name} dates must be increasing with no repeats; sort it and sum "
                         "amounts per day")
    gaps = np.flatnonzero(np.diff(idx.values).astype("timedelta64[D]").astype(int) != 1)
    if len(gaps):
        raise ValueError(f"{name} skips days after {idx[gaps[0]].date()}: give every day "
                         "(0 for days without spending), e.g. s.resample('D').sum()")
    return pd.Series(values, index=idx, name=name)


def budget_check(history: pd.Series, forecast: pd.Series | ArrayLike,
                 monthly_budget: float) -> BudgetCheck:
    """Compare spending so far plus a forecast with a monthly budget.

    Args:
        history: daily amounts spent, a Series indexed by consecutive dates.
        forecast: daily forecast amounts for the days after ``history``: a Series indexed by
            the following consecutive dates, or an array (dates are then the days after the
            last history day), e.g. ``LSTMForecaster.predict`` output.
        monthly_budget: the amount allowed per calendar month (> 0).

    Returns:
        A :class:`BudgetCheck`: per month the projected total and the day the running total
        would pass the budget; for the month of the first forecast day also the daily amount
        that keeps within the budget for the rest of the month (0 once it is spent).
    """
    if isinstance(monthly_budget, bool) or not isinstance(
            monthly_budget, (int, float, np.integer, np.floating)) \
            or not np.isfinite(monthly_budget) or monthly_budget <= 0:
        raise ValueError(f"monthly_budget must be a positive number, got {monthly_budget!r}")
    history = _daily_series(history, "history")
    start = history.index[-1] + pd.Timedelta(days=1)
    if not isinstance(forecast, pd.Series):
        values = np.asarray(forecast, dtype=np.float64).reshape(-1)
        forecast = pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"))
    forecast = _daily_series(forecast, "forecast")
    if forecast.index[0] != start:
        raise ValueError(f"forecast must start the day after the history ends ({start.date()}),"
                         f" but starts on {forecast.index[0].date()}")
    budget = float(monthly_budget)
    both = pd.concat([history, forecast])
    is_forecast = np.r_[np.zeros(len(history), bool), np.ones(len(forecast), bool)]
    periods = both.index.to_period("M")
    rows = []
    for month in periods.unique():
        sel = periods == month
        amounts = both[sel]
        running = amounts.cumsum()
        over = np.flatnonzero(running.to_numpy() > budget)
        spent = float(amounts[~is_forecast[sel]].sum())
        projected = float(amounts.sum())
        rows.append({
            "month": month, "spent": spent, "forecast": projected - spent,
            "projected": projected, "budget": budget, "remaining": budget - projected,
            "exceeded_on": amounts.index[over[0]] if len(over) else pd.NaT,
            "complete": int(sel.sum()) == month.days_in_month,
        })
    months = pd.DataFrame(rows)
    current = start.to_period("M")
    row = months.loc[months["month"] == current].iloc[0]
    days_left = int((current.end_time.normalize() - start).days) + 1
    allowance = max(budget - row["spent"], 0.0) / days_left
    exceeds = row["exceeded_on"]
    return BudgetCheck(
        months=months, month=current, spent_to_date=float(row["spent"]),
        projected_total=float(row["projected"]), budget=budget,
        exceeds_on=None if pd.isna(exceeds) else pd.Timestamp(exceeds),
        daily_allowance=float(allowance), days_left=days_left)
