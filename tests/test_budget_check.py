"""tg.forecast.budget_check: hand-computed months, the exceed day, the daily allowance,
array forecasts and bad input."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg


def daily(start, values):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"),
                     dtype=float)


def test_hand_computed_months_exceed_day_and_allowance():
    history = daily("2026-01-01", [10.0] * 10)            # Jan 1..10: 100 spent
    forecast = daily("2026-01-11", [20.0] * (21 + 28))    # Jan 11..31 and all February
    check = tg.forecast.budget_check(history, forecast, monthly_budget=500)
    assert check.month == pd.Period("2026-01", "M")
    assert check.spent_to_date == 100.0
    assert check.projected_total == 100.0 + 21 * 20       # 520
    assert check.over_budget
    # running total 100 + 20k passes 500 at k = 21: the 31st
    assert check.exceeds_on == pd.Timestamp("2026-01-31")
    assert check.days_left == 21
    assert check.daily_allowance == pytest.approx(400 / 21)
    feb = check.months.set_index("month").loc[pd.Period("2026-02", "M")]
    assert feb["spent"] == 0 and feb["forecast"] == 560 and feb["complete"]
    assert feb["exceeded_on"] == pd.Timestamp("2026-02-26")  # 20 × 26 = 520 > 500
    assert "2026-01-31" in check.summary()


def test_within_budget_and_partial_month():
    history = daily("2026-03-01", [5.0] * 15)
    forecast = np.full(5, 5.0)                            # an array: Mar 16..20
    check = tg.forecast.budget_check(history, forecast, 1000)
    assert check.exceeds_on is None and not check.over_budget
    row = check.months.iloc[0]
    assert row["projected"] == 100 and not row["complete"] and row["remaining"] == 900
    assert check.days_left == 16                          # March 16..31
    assert check.daily_allowance == pytest.approx((1000 - 75) / 16)


def test_budget_spent_already():
    history = daily("2026-05-01", [100.0] * 12)           # 1,200 by May 12
    check = tg.forecast.budget_check(history, daily("2026-05-13", [1.0] * 3), 1000)
    assert check.daily_allowance == 0.0
    assert check.exceeds_on == pd.Timestamp("2026-05-11")  # 1,100 > 1,000 on the 11th


def test_bad_input():
    h = daily("2026-01-01", [1.0] * 5)
    f = daily("2026-01-06", [1.0] * 5)
    with pytest.raises(ValueError, match="monthly_budget"):
        tg.forecast.budget_check(h, f, 0)
    with pytest.raises(ValueError, match="DatetimeIndex"):
        tg.forecast.budget_check(h.reset_index(drop=True), f, 10)
    with pytest.raises(ValueError, match="skips days after 2026-01-02"):
        tg.forecast.budget_check(h.drop(h.index[2]), f, 10)
    with pytest.raises(ValueError, match="missing or non-numeric"):
        tg.forecast.budget_check(h.where(h.index != h.index[1]), f, 10)
    with pytest.raises(ValueError, match="start the day after"):
        tg.forecast.budget_check(h, daily("2026-01-08", [1.0] * 3), 10)
    with pytest.raises(ValueError, match="one value per calendar day"):
        tg.forecast.budget_check(h.set_axis(h.index + pd.Timedelta(hours=3)), f, 10)
