"""Every bundled sequence data set transforms and inverse-transforms back to itself."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg


def assert_frames_close(got: pd.DataFrame, want: pd.DataFrame):
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in want.columns:
        g, w = got[col], want[col]
        assert g.dtype == w.dtype, col
        if pd.api.types.is_float_dtype(w.dtype):
            x = w.to_numpy(np.float64)
            scale = np.nanmax(np.abs(x)) + np.nanmax(x) - np.nanmin(x)
            np.testing.assert_allclose(g.to_numpy(np.float64), x, rtol=0, atol=2e-6 * scale)
        else:
            pd.testing.assert_series_equal(g, w, check_names=False)


@pytest.mark.parametrize("name", ["traffic_weeks", "fcc_mba", "wikipedia_traffic"])
def test_grid_datasets_round_trip(name):
    df = getattr(tg.datasets, name)()
    spec = tg.datasets.default_spec(name)
    data = spec.fit_transform(df)
    assert spec.time_encoding_ == "grid"
    assert np.isfinite(data.features).all()
    assert np.isfinite(data.attributes).all()
    assert_frames_close(spec.inverse_transform(data), df[spec.columns_])


def test_traffic_weeks_shapes():
    df = tg.datasets.traffic_weeks()
    spec = tg.datasets.default_spec("traffic_weeks")
    data = spec.fit_transform(df)
    n = df["window"].nunique()
    # traffic_volume and temp auto-normalized: 2 features, 2 x (mid, half) derived
    assert data.features.shape == (n, 168, 2)
    assert data.derived_attributes.shape == (n, 4)
    assert data.attributes.shape == (n, 7 + df["month"].nunique() + 2)
    assert (data.lengths == 168).all()


def test_bank_round_trip_keeps_duplicates_order_and_timestamps():
    df = tg.datasets.bank_transactions()
    spec = tg.datasets.default_spec("bank_transactions")
    # the default spec leaves the bank's id and account facts out, and says so
    with pytest.warns(UserWarning, match=r"\['trans_id', 'bank', 'account', 'district_id'"):
        data = spec.fit_transform(df)
    assert spec.time_encoding_ == "interarrival"
    assert spec.time_unit_ == 86_400 * 10**9
    assert len(data) == 354
    assert data.lengths.min() == 2
    assert data.lengths.max() == 218
    assert data.features.shape == (354, 218, spec.feature_dim)
    back = spec.inverse_transform(data)
    # the loader sorts stably by (account, date); the spec then puts same-day rows in the
    # order the balance chains in (its running total): the round trip is row for row in it
    order = spec.sequence_order(df).order
    assert_frames_close(back, df[spec.columns_].iloc[order].reset_index(drop=True))
    assert (back["balance"].to_numpy() == df["balance"].to_numpy()[order]).all()  # exact
    # k_symbol gaps are a category of their own and come back missing
    assert back["k_symbol"].isna().sum() == df["k_symbol"].isna().sum() > 0


def test_wikipedia_wide_round_trip():
    wide = tg.datasets.wikipedia_traffic(format="wide")
    spec = tg.datasets.default_spec("wikipedia_traffic")
    data = spec.fit_transform(wide)
    assert spec.input_format_ == "wide"
    assert data.features.shape == (10, 550, 1)
    assert_frames_close(spec.inverse_transform(data), wide)
    long = spec.inverse_transform(data, format="long")
    assert long.shape == (5500, 3)


def test_pm25_gaps_are_refused_and_named():
    df = tg.datasets.beijing_pm25()
    df["day"] = df["datetime"].dt.strftime("%Y-%m-%d")
    spec = tg.SequenceSpec("day", "hour", features=[tg.Continuous("pm2.5"), tg.Continuous("TEMP")])
    with pytest.raises(ValueError, match=r"'pm2.5' has 2067 missing \(NaN\)"):
        spec.fit(df)
    ok = tg.SequenceSpec("day", "hour", attributes=[tg.Discrete("year")],
                         features=[tg.Continuous("TEMP"), tg.Continuous("PRES"),
                                   tg.Discrete("cbwd")])
    with pytest.warns(UserWarning, match=r"columns \['datetime', 'No', 'month'"):
        data = ok.fit_transform(df)
    assert data.features.shape == (1826, 24, ok.feature_dim)
    assert_frames_close(ok.inverse_transform(data), df[ok.columns_])


def test_default_spec_unknown_name():
    with pytest.raises(ValueError, match="no default spec"):
        tg.datasets.default_spec("nope")
