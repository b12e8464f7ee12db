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
    assert feb["spent"] == 0
    assert feb["forecast"] == 560
    assert feb["complete"]
    assert feb["exceeded_on"] == pd.Timestamp("2026-02-26")  # 20 × 26 = 520 > 500
    assert "2026-01-31" in check.summary()


def test_within_budget_and_partial_month():
    history = daily("2026-03-01", [5.0] * 15)
    forecast = np.full(5, 5.0)                            # an array: Mar 16..20
    check = tg.forecast.budget_check(history, forecast, 1000)
    assert check.exceeds_on is None
    assert not check.over_budget
    row = check.months.iloc[0]
    assert row["projected"] == 100
    assert not row["complete"]
    assert row["remaining"] == 900
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


def test_daily_totals_hand_computed():
    tx = pd.DataFrame({
        "acct": [7, 7, 7, 7, 3, 3],
        "when": pd.to_datetime(["2026-01-01 09:00", "2026-01-01 17:30", "2026-01-04 00:00",
                                "2026-01-03 12:00", "2026-02-10 08:00", "2026-02-11 00:00"]),
        "amt": [5.0, 2.5, 10.0, 99.0, 1.0, 4.0],
        "kind": ["out", "out", "out", "in", "in", "out"],
    })
    out = tg.forecast.daily_totals(tx, "acct", "when", "amt", where=tx["kind"] == "out")
    assert list(out.columns) == ["acct", "when", "amt"]
    assert out["acct"].dtype == tx["acct"].dtype
    a3 = out[out["acct"] == 3]
    assert list(a3["when"].dt.day) == [10, 11]
    assert list(a3["amt"]) == [0.0, 4.0]
    a7 = out[out["acct"] == 7]        # Jan 1..4: the credit on the 3rd spans but adds 0
    assert list(a7["when"]) == list(pd.date_range("2026-01-01", "2026-01-04"))
    assert list(a7["amt"]) == [7.5, 0.0, 0.0, 10.0]
    assert list(out["acct"]) == [3, 3, 7, 7, 7, 7]
    # the result is what budget_check takes
    check = tg.forecast.budget_check(a7.set_index("when")["amt"], [1.0] * 3, 100)
    assert check.spent_to_date == 17.5
    assert check.projected_total == 20.5
    everything = tg.forecast.daily_totals(tx, "acct", "when", "amt")
    assert everything.loc[everything["acct"] == 7, "amt"].sum() == 116.5


def test_daily_totals_bad_input():
    tx = pd.DataFrame({"a": [1, 1], "t": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                       "x": [1.0, np.nan]})
    with pytest.raises(ValueError, match="'x' has 1 missing"):
        tg.forecast.daily_totals(tx, "a", "t", "x")
    # the NaN row excluded by where= is fine
    out = tg.forecast.daily_totals(tx, "a", "t", "x", where=np.array([True, False]))
    assert list(out["x"]) == [1.0, 0.0]
    with pytest.raises(ValueError, match="pd.to_datetime"):
        tg.forecast.daily_totals(tx.assign(t=["2026-01-01", "2026-01-02"]), "a", "t", "x")
    with pytest.raises(ValueError, match=r"\['y'\] not in the frame"):
        tg.forecast.daily_totals(tx, "a", "t", "y")
    with pytest.raises(ValueError, match="boolean mask"):
        tg.forecast.daily_totals(tx, "a", "t", "x", where=[1, 0])
