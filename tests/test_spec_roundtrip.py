"""transform → inverse_transform gives the input back (property tests and known cases)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tfgan_ts as tg


def assert_roundtrip(spec, df, expected=None, scale=None, **inverse_kwargs):
    """``scale``: the magnitude float errors are relative to (default: each column's own)."""
    data = spec.fit_transform(df)
    back = spec.inverse_transform(data, **inverse_kwargs)
    expected = df if expected is None else expected
    _assert_close(back, expected.reset_index(drop=True), scale)
    # the fitted state survives JSON and gives the same decoding
    again = tg.SequenceSpec.from_config(json.loads(json.dumps(spec.get_config())))
    _assert_close(again.inverse_transform(again.transform(df), **inverse_kwargs),
                  expected.reset_index(drop=True), scale)
    return data, back


def _assert_close(got, want, scale=None):
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in want.columns:
        g, w = got[col], want[col]
        assert g.dtype == w.dtype, (col, g.dtype, w.dtype)
        if pd.api.types.is_float_dtype(w.dtype):
            x = w.to_numpy(dtype=np.float64)
            width = scale or max(np.nanmax(x) - np.nanmin(x), np.nanmax(np.abs(x)), 1e-300)
            np.testing.assert_allclose(g.to_numpy(np.float64), x, rtol=0, atol=2e-6 * width)
        else:
            pd.testing.assert_series_equal(g, w, check_names=False)


# --------------------------------------------------------------------- property test ---
@st.composite
def sequence_frames(draw):
    n = draw(st.integers(1, 5))
    lengths = draw(st.lists(st.integers(1, 7), min_size=n, max_size=n))
    time_kind = draw(st.sampled_from(["grid", "int_events", "datetime_events", "none"]))
    id_kind = draw(st.sampled_from(["int", "str"]))
    rows = []
    base = pd.Timestamp("2021-03-01")
    for i, length in enumerate(lengths):
        eid = i * 7 + 3 if id_kind == "int" else f"ex{i}"
        if time_kind == "grid":
            times = list(range(length))
        else:
            gaps = draw(st.lists(st.integers(0, 40), min_size=length, max_size=length))
            times = list(np.cumsum(gaps) + draw(st.integers(0, 500)))
        attr_s = draw(st.sampled_from(["red", "green", None]))
        attr_b = draw(st.booleans())
        attr_x = draw(st.integers(-50, 50))
        for t in times:
            rows.append({
                "id": eid,
                "t": base + pd.Timedelta(days=int(t)) if time_kind == "datetime_events" else int(t),
                "colour": attr_s,
                "flag": attr_b,
                "size": attr_x,
                "level": draw(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)),
                "count": draw(st.integers(-100_000, 100_000)),
                "state": draw(st.sampled_from(["a", "b", "c", None])),
                "mode": draw(st.sampled_from([1, 2, 5])),
            })
    df = pd.DataFrame(rows)
    df["colour"] = df["colour"].astype(object).where(df["colour"].notna(), None)
    df["state"] = df["state"].astype("str") if draw(st.booleans()) else df["state"]
    df["mode"] = pd.Categorical(df["mode"], categories=[5, 2, 1], ordered=True)
    if time_kind == "none":
        df = df.drop(columns="t")
    return df, time_kind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence_frames(), st.booleans(), st.sampled_from(["zero_one", "minus_one_one"]))
def test_roundtrip_property(frame_kind, auto_normalize, normalization):
    df, time_kind = frame_kind
    spec = tg.SequenceSpec(
        example_id="id",
        time=None if time_kind == "none" else "t",
        attributes=[tg.Discrete("colour"), tg.Discrete("flag"), tg.Continuous("size")],
        features=[
            tg.Continuous("level", normalization=normalization),
            tg.Continuous("count", normalization=normalization),
            tg.Discrete("state"),
            tg.Discrete("mode"),
        ],
        auto_normalize=auto_normalize,
    )
    data, _ = assert_roundtrip(spec, df)
    lengths = df.groupby("id", sort=False).size().to_numpy()
    np.testing.assert_array_equal(data.lengths, lengths)
    np.testing.assert_array_equal(data.gen_flags.sum(axis=1), lengths)
    assert data.features.shape == (len(lengths), lengths.max(), spec.feature_dim)
    if time_kind == "grid":
        assert spec.time_encoding_ == "grid"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 10**4), min_size=1, max_size=6), min_size=1, max_size=5))
def test_wide_roundtrip_property(rows):
    width = max(len(r) for r in rows)
    values = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        values[i, : len(r)] = r
    df = pd.DataFrame(values, columns=[f"2020-01-{d + 1:02d}" for d in range(width)])
    df.insert(0, "page", [f"p{i}" for i in range(len(rows))])
    spec = tg.SequenceSpec("page", "date", features=[tg.Continuous("value")])
    data, back = assert_roundtrip(spec, df, scale=max(1.0, np.nanmax(values)))
    assert spec.input_format_ == "wide"
    np.testing.assert_array_equal(data.lengths, [len(r) for r in rows])


# --------------------------------------------------------------------- known cases -----
def test_auto_normalization_scales_within_each_example():
    df = pd.DataFrame({"id": [0, 0, 0, 1, 1], "t": [0, 1, 2, 0, 1],
                       "x": [10.0, 20.0, 30.0, 100.0, 100.0]})
    spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("x")])
    data = spec.fit_transform(df)
    # example 0 spans its own min..max: 0, 0.5, 1; the constant example encodes as 0
    np.testing.assert_allclose(data.features[0, :, 0], [-0.0 + 0.0, 0.5, 1.0], atol=1e-7)
    np.testing.assert_allclose(data.features[1, :2, 0], [0.5, 0.5], atol=1e-7)
    # midpoint and half-range, scaled by the global range 10..100
    np.testing.assert_allclose(data.derived_attributes[0], [(20 - 10) / 90, 10 / 45], atol=1e-6)
    np.testing.assert_allclose(data.derived_attributes[1], [1.0, 0.0], atol=1e-6)
    assert [o.name for o in spec.derived_outputs()] == ["x__mid", "x__half"]
    assert_roundtrip(spec, df)


def test_global_scaling_without_auto_normalization():
    df = pd.DataFrame({"id": [0, 0, 1], "t": [0, 1, 0], "x": [-1.0, 1.0, 0.0]})
    spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("x", "minus_one_one")],
                           auto_normalize=False)
    data = spec.fit_transform(df)
    np.testing.assert_allclose(data.features[:, :, 0], [[-1.0, 1.0], [0.0, 0.0]])
    assert data.derived_attributes.shape == (2, 0)
    assert_roundtrip(spec, df)


def test_padding_generation_flags_and_max_length():
    df = pd.DataFrame({"id": [5, 5, 5, 9], "t": [0, 1, 2, 0], "x": [1.0, 2.0, 3.0, 4.0]})
    spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("x")], max_length=6)
    data = spec.fit_transform(df)
    assert data.features.shape == (2, 6, 1)
    np.testing.assert_array_equal(data.gen_flags, [[1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]])
    assert np.all(data.features[1, 1:] == 0)
    assert spec.time_grid_ == [0, 1, 2, 3, 4, 5]  # evenly spaced grid extended to max_length
    assert_roundtrip(spec, df)


def test_event_time_duplicates_keep_given_order_and_timestamps():
    # unsorted input; two transactions share (account, date) and must keep their order
    df = pd.DataFrame({
        "acct": ["b", "a", "a", "a", "b", "a"],
        "date": pd.to_datetime(["2019-05-06", "2020-01-03", "2020-01-01", "2020-01-03",
                                "2019-05-05", "2020-02-01"]),
        "amount": [2.0, 3.25, 10.5, 7.0, 1.0, 100.0],
    })
    spec = tg.SequenceSpec("acct", "date", features=[tg.Continuous("amount")])
    data = spec.fit_transform(df)
    assert spec.time_encoding_ == "interarrival"
    assert [o.name for o in spec.feature_outputs()] == ["amount", "date__delta"]
    assert spec.derived_outputs()[0].name == "date__start"
    back = spec.inverse_transform(data)
    assert list(back["acct"]) == ["b", "b", "a", "a", "a", "a"]
    np.testing.assert_allclose(back["amount"], [1.0, 2.0, 10.5, 3.25, 7.0, 100.0], rtol=1e-6)
    assert list(back["date"].dt.strftime("%Y-%m-%d")) == [
        "2019-05-05", "2019-05-06", "2020-01-01", "2020-01-03", "2020-01-03", "2020-02-01"]
    assert back["date"].dtype == df["date"].dtype


def test_generated_data_without_ids_gets_fresh_ids_and_timestamps():
    df = pd.DataFrame({"acct": [10, 10, 20], "day": [3, 5, 4], "x": [1.0, 2.0, 3.0]})
    spec = tg.SequenceSpec("acct", "day", features=[tg.Continuous("x")],
                           time_encoding="interarrival")
    data = spec.fit_transform(df)
    data.example_ids = None
    back = spec.inverse_transform(data)
    assert list(back["acct"]) == [0, 0, 1]
    assert list(back["day"]) == [3, 5, 4]


def test_time_unit_is_inferred_for_hourly_events():
    t = pd.to_datetime(["2020-01-01 01:00", "2020-01-01 05:00", "2020-01-02 00:00"])
    df = pd.DataFrame({"id": [0, 0, 1], "t": t, "x": [1.0, 2.0, 3.0]})
    spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("x")])
    assert_roundtrip(spec, df)
    assert spec.time_unit_ == 3600 * 10**9


def test_timezone_aware_time_round_trips():
    t = pd.to_datetime(["2020-01-01 01:00", "2020-01-01 05:00", "2020-01-02 00:00"]).tz_localize(
        "Europe/Prague")
    df = pd.DataFrame({"id": [0, 0, 1], "t": t, "x": [1.0, 2.0, 3.0]})
    assert_roundtrip(tg.SequenceSpec("id", "t", features=[tg.Continuous("x")]), df)


def test_string_time_grid_and_no_time_column():
    df = pd.DataFrame({"id": ["p", "p", "q", "q"], "date": ["d1", "d2", "d1", "d2"],
                       "v": [1, 2, 3, 4]})
    spec = tg.SequenceSpec("id", "date", features=[tg.Continuous("v")])
    assert_roundtrip(spec, df)
    assert spec.time_grid_ == ["d1", "d2"]
    spec2 = tg.SequenceSpec("id", None, features=[tg.Continuous("v")])
    assert_roundtrip(spec2, df.drop(columns="date"))


def test_missing_discrete_values_are_a_category_and_come_back_missing():
    df = pd.DataFrame({"id": [0, 0, 1], "t": [0, 1, 0], "k": ["x", np.nan, "y"],
                       "v": [1.0, 2.0, 3.0]})
    spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("v"), tg.Discrete("k")])
    data, back = assert_roundtrip(spec, df)
    assert spec.features[1].categories_ == ["x", "y", None]
    assert back["k"].isna().tolist() == [False, True, False]


def test_declared_categories_keep_order_and_unused_levels():
    df = pd.DataFrame({"id": [0, 1], "t": [10, 10], "k": ["lo", "hi"], "v": [1.0, 2.0]})
    spec = tg.SequenceSpec("id", "t", attributes=[tg.Discrete("k", ["hi", "mid", "lo"])],
                           features=[tg.Continuous("v")])
    data = spec.fit_transform(df)
    np.testing.assert_array_equal(data.attributes, [[0, 0, 1], [1, 0, 0]])
    assert spec.data_derived_schema() == ["v: min/max", "t: time grid", "max_length"]
    # a grid of positions 0..T-1 carries nothing beyond max_length; declared bounds are public
    spec = tg.SequenceSpec("id", "t", attributes=[tg.Discrete("k", ["hi", "mid", "lo"])],
                           features=[tg.Continuous("v", bounds=(0, 5))], max_length=1)
    spec.fit(df.assign(t=0))
    assert spec.data_derived_schema() == []
    # a bool column's categories come from its dtype
    spec = tg.SequenceSpec("id", "t", attributes=[tg.Discrete("b")],
                           features=[tg.Continuous("v", bounds=(0, 5))], max_length=1)
    assert spec.fit(df.drop(columns="k").assign(t=0, b=True)).data_derived_schema() == []


def test_binned_column_decodes_within_its_bin():
    rng = np.random.default_rng(0)
    amounts = np.round(rng.lognormal(5, 1.5, 400), 2)
    df = pd.DataFrame({"id": np.repeat(np.arange(40), 10), "t": np.tile(np.arange(10), 40),
                       "amount": amounts})
    spec = tg.SequenceSpec("id", "t", features=[tg.Binned("amount", n_bins=8)])
    data = spec.fit_transform(df)
    col = spec.features[0]
    assert col.n_bins_ == 8
    assert data.features.shape[-1] == 8
    # quantile bins: each bin holds about an eighth of the values
    counts = data.features.reshape(-1, 8).sum(axis=0)
    assert counts.min() >= 40
    assert counts.max() <= 60
    back = spec.inverse_transform(data, seed=1)
    edges = np.asarray(col.edges_)
    codes = np.argmax(data.features.reshape(-1, 8), axis=1)
    x = back["amount"].to_numpy()
    assert np.all((x >= edges[codes]) & (x <= edges[codes + 1]))
    assert not np.allclose(x, amounts)  # sampled, not the originals
    again = spec.inverse_transform(data, seed=1)
    np.testing.assert_array_equal(again["amount"], back["amount"])


def test_binned_merges_repeated_values():
    x = pd.Series([0.0] * 50 + list(np.linspace(1, 10, 50)))
    col = tg.Binned("x", n_bins=10).fit(x)
    assert col.n_bins_ < 10
    assert np.all(np.diff(col.edges_) > 0)


def test_layout_of_outputs_matches_arrays():
    df = pd.DataFrame({"id": [0, 0, 1], "t": [0, 1, 0], "a": ["u", "u", "v"],
                       "x": [1.0, 2.0, 3.0], "k": [1, 2, 1]})
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("a")], [tg.Continuous("x", "minus_one_one"),
                                                          tg.Discrete("k")])
    data = spec.fit_transform(df)
    assert [(o.name, o.dim, o.activation) for o in spec.feature_outputs()] == [
        ("x", 1, "tanh"), ("k", 2, "softmax")]
    assert data.attributes.shape[1] == spec.attribute_dim == 2
    assert data.derived_attributes.shape[1] == spec.derived_dim == 2
    assert data.features.shape[2] == spec.feature_dim == 3
    sub = data[[1]]
    assert len(sub) == 1
    assert sub.lengths[0] == 1
    assert sub.example_ids[0] == 1


def test_transform_attributes_for_conditioning():
    df = pd.DataFrame({"id": [0, 1], "t": [0, 0], "a": ["u", "v"], "x": [1.0, 2.0]})
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("a")], [tg.Continuous("x")]).fit(df)
    enc = spec.transform_attributes(pd.DataFrame({"a": ["v", "v", "u"]}))
    np.testing.assert_array_equal(enc, [[0, 1], [0, 1], [1, 0]])
    with pytest.raises(ValueError, match="'a'.*not among the fitted categories"):
        spec.transform_attributes(pd.DataFrame({"a": ["w"]}))


def test_extra_columns_are_recorded_not_silently_dropped():
    df = pd.DataFrame({"id": [0, 1], "t": [0, 0], "x": [1.0, 2.0], "note": ["a", "b"]})
    with pytest.warns(UserWarning, match=r"columns \['note'\] are not in the spec"):
        spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("x")]).fit(df)
    assert spec.ignored_columns_ == ["note"]
    assert list(spec.inverse_transform(spec.transform(df)).columns) == ["id", "t", "x"]


def test_generated_auto_normalized_values_stay_within_the_column_range():
    df = pd.DataFrame({"id": np.repeat([0, 1], 4), "t": np.tile(np.arange(4), 2),
                       "v": [0.0, 1.0, 2.0, 3.0, 5.0, 6.0, 7.0, 10.0]})
    spec = tg.SequenceSpec("id", "t", features=[tg.Continuous("v", bounds=(0, 10))])
    data = spec.fit_transform(df)
    # a generator may pair a midpoint near the top with a large half-range
    data.derived_attributes[:] = [[0.95, 1.0], [0.05, 1.0]]
    data.features[:] = np.linspace(0, 1, 4)[None, :, None]
    back = spec.inverse_transform(data)
    assert back["v"].between(0, 10).all()
    assert back["v"].max() == 10
    assert back["v"].min() == 0


def test_warns_only_about_columns_it_leaves_out():
    df = pd.DataFrame({"id": [0, 0, 1], "t": [0, 5, 2], "a": ["u", "u", "v"],
                       "x": [1.0, 2.0, 3.0], "note": ["p", "q", "r"], "x__mid": [0, 0, 0]})
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("a")], [tg.Continuous("x")])
    with pytest.warns(UserWarning, match=r"columns \['note', 'x__mid'\] are not in") as caught:
        spec.fit_transform(df)
    # the warning points at the line that called the spec, not inside the package
    assert caught[0].filename == __file__
    # the spec's own derived columns (t__delta, t__start, x__mid, ...) are not "ignored"
    assert spec.time_encoding_ == "interarrival"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec.fit(df.drop(columns=["note", "x__mid"]))
        wide = pd.DataFrame({"page": ["p", "q"], "d1": [1.0, 2.0], "d2": [3.0, 4.0]})
        tg.SequenceSpec("page", "date", features=[tg.Continuous("v")]).fit(wide)
    assert spec.ignored_columns_ == []


def test_fitting_leaves_the_callers_columns_untouched():
    df = pd.DataFrame({"id": [0, 0, 1], "t": [0, 1, 0], "a": ["u", "u", "v"],
                       "x": [1.0, 2.0, 3.0], "k": ["p", "q", "p"]})
    a, x, k = tg.Discrete("a"), tg.Continuous("x"), tg.Discrete("k")
    declared = [c.get_config() for c in (a, x, k)]
    spec = tg.SequenceSpec("id", "t", [a], [x, k]).fit(df)
    assert [c.get_config() for c in (a, x, k)] == declared
    assert not x.fitted
    assert spec.features[0].max_ == 3.0
    # the fitted columns of one spec declare another: refitting that one leaves them alone
    other = tg.SequenceSpec("id", "t", spec.attributes, spec.features)
    other.fit(df.assign(x=[10.0, 20.0, 30.0], k=["p", "p", "p"]))
    assert other.features[0].max_ == 30.0
    assert spec.features[0].max_ == 3.0
    assert spec.features[1].categories_ == ["p", "q"]
