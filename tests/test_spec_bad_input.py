"""Bad input fails early with a ValueError that names the column and the fix."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg


def frame(**overrides):
    df = pd.DataFrame({
        "id": [1, 1, 1, 2, 2],
        "t": [0, 1, 2, 0, 1],
        "a": ["u", "u", "u", "v", "v"],
        "x": [1.0, 2.0, 3.0, 4.0, 5.0],
        "k": ["p", "q", "p", "q", "q"],
    })
    for key, value in overrides.items():
        df[key] = value
    return df


def spec(**kwargs):
    return tg.SequenceSpec("id", "t", [tg.Discrete("a")],
                           [tg.Continuous("x"), tg.Discrete("k")], **kwargs)


def test_missing_column():
    with pytest.raises(ValueError, match=r"\['x'\] missing"):
        spec().fit(frame().drop(columns="x"))


def test_empty_frame():
    with pytest.raises(ValueError, match="empty"):
        spec().fit(frame().iloc[:0])


def test_not_a_dataframe():
    with pytest.raises(ValueError, match="DataFrame"):
        spec().fit(np.zeros((3, 3)))


def test_nan_in_continuous_feature_says_how_many_and_where():
    with pytest.raises(ValueError, match=r"'x' has 2 missing \(NaN\).*example 1 at t=1"):
        spec().fit(frame(x=[1.0, np.nan, 3.0, np.nan, 5.0]))


def test_inf_in_continuous_feature():
    with pytest.raises(ValueError, match=r"'x' has 0 missing \(NaN\) and 1 infinite"):
        spec().fit(frame(x=[1.0, 2.0, np.inf, 4.0, 5.0]))


def test_nan_in_continuous_attribute():
    s = tg.SequenceSpec("id", "t", [tg.Continuous("z")], [tg.Continuous("x")])
    with pytest.raises(ValueError, match="'z' has 3 missing"):
        s.fit(frame(z=[np.nan, np.nan, np.nan, 1.0, 1.0]))


def test_attribute_not_constant_within_example():
    with pytest.raises(ValueError, match=r"attribute 'a' is not constant within 1 example.*id=1"):
        spec().fit(frame(a=["u", "w", "u", "v", "v"]))


def test_unseen_category_at_transform():
    s = spec().fit(frame())
    with pytest.raises(ValueError, match=r"'k'.*not among the fitted categories.*\['r'\]"):
        s.transform(frame(k=["p", "q", "r", "q", "q"]))


def test_value_outside_declared_categories_at_fit():
    s = tg.SequenceSpec("id", "t", [tg.Discrete("a", categories=["u"])], [tg.Continuous("x")])
    with pytest.raises(ValueError, match="'a'.*not among"):
        s.fit(frame())


def test_sequence_longer_than_max_length():
    with pytest.raises(ValueError, match=r"longer than max_length=2 \(e.g. id=1, length 3\)"):
        spec(max_length=2).fit(frame())
    s = spec().fit(frame().iloc[3:])
    with pytest.raises(ValueError, match="longer than max_length=2"):
        s.transform(frame())


def test_non_numeric_continuous_column():
    with pytest.raises(ValueError, match="'x' is declared continuous but has dtype"):
        spec().fit(frame(x=["1", "2", "3", "4", "5"]))
    with pytest.raises(ValueError, match="'x' is declared continuous"):
        spec().fit(frame(x=[True, False, True, True, False]))


def test_values_outside_declared_bounds():
    s = tg.SequenceSpec("id", "t", features=[tg.Continuous("x", bounds=(0, 4))])
    with pytest.raises(ValueError, match=r"'x': 1 value\(s\) lie outside the declared bounds"):
        s.fit(frame())


def test_missing_example_id_and_time():
    with pytest.raises(ValueError, match="'id' .* 1 missing"):
        spec().fit(frame(id=[1, 1, None, 2, 2]))
    with pytest.raises(ValueError, match="time column 't' has 1 missing"):
        spec().fit(frame(t=[0, 1, None, 0, 1]))


def test_grid_requested_for_irregular_times():
    with pytest.raises(ValueError, match="time_encoding='interarrival'"):
        spec(time_encoding="grid").fit(frame(t=[0, 1, 2, 5, 6]))


def test_interarrival_needs_numeric_or_datetime_time():
    with pytest.raises(ValueError, match="inter-arrival encoding needs numbers or datetimes"):
        spec(time_encoding="interarrival").fit(frame(t=list("abcab")))


def test_wide_gap_inside_a_row():
    df = pd.DataFrame({"page": ["p", "q"], "d1": [1.0, 2.0], "d2": [np.nan, 3.0],
                       "d3": [4.0, np.nan]})
    with pytest.raises(ValueError, match=r"rows \['p'\] have missing values before"):
        tg.SequenceSpec("page", "date", features=[tg.Continuous("v")]).fit(df)


def test_bad_spec_arguments():
    with pytest.raises(ValueError, match="at least one feature"):
        tg.SequenceSpec("id", "t", features=[])
    with pytest.raises(ValueError, match=r"\['x'\] appear more than once"):
        tg.SequenceSpec("id", "t", [tg.Continuous("x")], [tg.Continuous("x")])
    with pytest.raises(ValueError, match="tg.Continuous"):
        tg.SequenceSpec("id", "t", features=["x"])
    with pytest.raises(ValueError, match="normalization"):
        tg.Continuous("x", normalization="zscore")
    with pytest.raises(ValueError, match="bounds"):
        tg.Continuous("x", bounds=(3, 1))
    with pytest.raises(ValueError, match="n_bins"):
        tg.Binned("x", n_bins=1)


def test_transform_before_fit():
    with pytest.raises(ValueError, match="not fitted yet"):
        spec().transform(frame())


def test_inverse_of_foreign_arrays():
    s = spec().fit(frame())
    data = s.transform(frame())
    bad = tg.SequenceData(data.attributes[:, :1], data.derived_attributes, data.features,
                          data.gen_flags, data.lengths)
    with pytest.raises(ValueError, match="attributes has width 1 but this spec encodes 2"):
        s.inverse_transform(bad)


def test_binned_value_outside_fitted_range():
    s = tg.SequenceSpec("id", "t", features=[tg.Binned("x", n_bins=2)])
    s.fit(frame().drop(columns=["a", "k"]))
    with pytest.raises(ValueError, match="'x'.*outside the fitted bin range"):
        s.transform(frame(x=[1.0, 2.0, 3.0, 4.0, 50.0]))


def test_nothing_is_altered_in_the_callers_frame():
    df = frame()
    before = df.copy()
    spec().fit_transform(df)
    pd.testing.assert_frame_equal(df, before)
