"""The command line's one date parser and the flag parsers, on small frames (no training)."""

import argparse

import numpy as np
import pandas as pd
import pytest

from tfgan_ts.cli import coerce_to_spec, parse_dates
from tfgan_ts.cli.flags import conditions, declarations, pairs, parse_bounds, split_list
from tfgan_ts.columns import Continuous
from tfgan_ts.spec import SequenceSpec


def text(*values):
    return pd.Series(list(values), dtype="str")


@pytest.mark.parametrize(("values", "first"), [
    (("2024-01-31", "2024-02-01 05:00"), "2024-01-31 00:00:00"),  # ISO, as pandas writes it
    (("01/31/2024 13:00", "02/01/2024 07:30"), "2024-01-31 13:00:00"),  # one other format
    (("Jan 5 2024", "Feb 1 2024"), "2024-01-05 00:00:00"),
])
def test_dates_in_one_format_are_parsed(values, first):
    parsed = parse_dates(text(*values))
    assert parsed is not None
    assert pd.api.types.is_datetime64_any_dtype(parsed)
    assert str(parsed.iloc[0]) == first


@pytest.mark.parametrize("values", [
    ("01/02/2024", "13/02/2024"),  # month first, then day first: one of them would be wrong
    ("t1", "t2"),  # dateutil alone would read these as year 1
    ("Monday", "Tuesday"),
    ("2024-01-31", None),  # a gap: the column stays as it is
    ("2024-01-31", "soon"),
])
def test_text_that_is_not_dates_in_one_format_is_left_alone(values):
    assert parse_dates(pd.Series(list(values), dtype=object)) is None


def test_numbers_and_datetimes_are_not_text():
    assert parse_dates(pd.Series([1, 2, 3])) is None
    assert parse_dates(pd.Series(pd.date_range("2024-01-01", periods=2))) is None


def fitted_on_dates():
    df = pd.DataFrame({"id": [0, 0, 1, 1], "day": pd.to_datetime(
        ["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-02"]), "x": [1.0, 2.0, 3.0, 4.0]})
    return df, SequenceSpec("id", "day", [], [Continuous("x")]).fit(df)


def test_coerce_to_spec_reads_dates_back_after_a_csv_round_trip(tmp_path):
    df, spec = fitted_on_dates()
    df.to_csv(tmp_path / "d.csv", index=False)
    back = pd.read_csv(tmp_path / "d.csv")
    assert not pd.api.types.is_datetime64_any_dtype(back["day"])
    fixed = coerce_to_spec(back, spec)
    pd.testing.assert_series_equal(fixed["day"], df["day"], check_dtype=False)
    assert not pd.api.types.is_datetime64_any_dtype(back["day"])  # a copy, not in place


def test_coerce_to_spec_names_the_file_and_column_of_bad_dates():
    _, spec = fitted_on_dates()
    bad = pd.DataFrame({"id": [0], "day": ["yesterday"], "x": [1.0]})
    with pytest.raises(ValueError, match=r"--real r.csv: time column 'day' must hold dates"):
        coerce_to_spec(bad, spec, source="--real r.csv")


def test_split_list_and_pairs():
    assert split_list(" a, b,,c ") == ["a", "b", "c"]
    assert split_list(None) == []
    assert pairs("--x", ["a=1", " b = two "], "COL=V") == {"a": "1", "b": "two"}
    with pytest.raises(ValueError, match="--x expects COL=V, got 'a'"):
        pairs("--x", ["a"], "COL=V")
    with pytest.raises(ValueError, match="declares column 'a' twice"):
        pairs("--x", ["a=1", "a=2"], "COL=V")


def test_parse_bounds():
    assert parse_bounds(["spend=-1.5:2e3"]) == {"spend": (-1.5, 2000.0)}
    for item, message in (("s=1", "give two numbers"), ("s=2:1", "LOW < HIGH"),
                          ("s=0:inf", "finite")):
        with pytest.raises(ValueError, match=message):
            parse_bounds([item])


def test_categories_are_typed_as_their_column():
    df = pd.DataFrame({"n": np.array([1, 2], dtype=np.int64), "flag": [True, False],
                       "kind": ["a", "b"], "x": [0.5, 1.0]})
    args = argparse.Namespace(bounds=["x=0:1"], categories=["n=1,2,3", "flag=true,False",
                                                            "kind=a,b,c"])
    bounds, categories = declarations(args, df, {"n", "flag", "kind", "x"}, set())
    assert bounds == {"x": (0.0, 1.0)}
    assert categories == {"n": [1, 2, 3], "flag": [True, False], "kind": ["a", "b", "c"]}
    assert type(categories["n"][0]) is int


def test_conditions_must_be_values_of_the_column():
    df = pd.DataFrame({"dose": np.array([1, 2], dtype=np.int64), "f": ["A", "B"]})
    assert conditions(["dose=2", "f=A"], df) == {"dose": 2, "f": "A"}
    with pytest.raises(ValueError, match=r"--condition dose=3: no row has this value"):
        conditions(["dose=3"], df)
    with pytest.raises(ValueError, match="give one of the integers, e.g. --condition dose=1"):
        conditions(["dose=high"], df)
