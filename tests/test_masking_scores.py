"""Added missingness (tfgan_ts.masking) and imputation scores on the hidden entries."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tfgan_ts.evaluation import imputation_scores
from tfgan_ts.masking import added_mask, blocks, mcar


def _frame(n=2000, seed=0):
    """Numeric columns with a few NaNs, plus string, bool and integer columns."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    x[rng.random(x.shape) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "a": x[:, 0],
            "b": x[:, 1],
            "c": x[:, 2],
            "label": rng.choice(["x", "y"], size=n),
            "flag": rng.random(n) < 0.5,
            "count": rng.integers(0, 9, size=n),
        }
    )


def _runs(mask):
    """Lengths of the runs of True down each column of a 2-D bool array."""
    out = []
    for col in np.asarray(mask).T:
        d = np.diff(np.r_[0, col.astype(int), 0])
        out.extend(np.flatnonzero(d == -1) - np.flatnonzero(d == 1))
    return np.array(out)


# --------------------------------------------------------------------------- mcar


def test_mcar_share_keeps_input_and_existing_gaps():
    df = _frame()
    before = df.copy()
    out = mcar(df, 0.3, seed=1)
    pd.testing.assert_frame_equal(df, before)  # input untouched
    numeric = ["a", "b", "c", "count"]
    assert out[numeric].isna().to_numpy()[df[numeric].isna().to_numpy()].all()  # gaps kept
    added = added_mask(df, out)[:, [0, 1, 2, 5]]
    n_obs = int(df[numeric].notna().to_numpy().sum())
    sd = math.sqrt(n_obs * 0.3 * 0.7)
    assert abs(added.sum() - 0.3 * n_obs) < 5 * sd
    # observed values that were not hidden are unchanged
    kept = df[numeric].notna().to_numpy() & ~added
    np.testing.assert_array_equal(
        out[numeric].to_numpy(dtype=float)[kept], df[numeric].to_numpy(dtype=float)[kept]
    )


def test_mcar_leaves_non_numeric_and_unchosen_columns_alone():
    df = _frame(500)
    out = mcar(df, 0.5, seed=2)
    pd.testing.assert_series_equal(out["label"], df["label"])
    pd.testing.assert_series_equal(out["flag"], df["flag"])
    assert out["count"].dtype == np.float64
    assert out["count"].isna().any()
    only_a = mcar(df, 0.5, seed=2, columns=["a"])
    assert added_mask(df, only_a)[:, 0].any()
    pd.testing.assert_frame_equal(only_a.drop(columns="a"), df.drop(columns="a"))
    assert list(only_a.columns) == list(df.columns)


def test_mcar_seed_rate_zero_and_nullable():
    df = _frame(300)
    pd.testing.assert_frame_equal(mcar(df, 0.2, seed=7), mcar(df, 0.2, seed=7))
    assert not mcar(df, 0.2, seed=7).equals(mcar(df, 0.2, seed=8))
    # the same seed with a larger rate hides a superset
    assert (added_mask(df, mcar(df, 0.4, seed=7)) >= added_mask(df, mcar(df, 0.2, seed=7))).all()
    copy = mcar(df, 0, seed=7)
    assert copy is not df
    pd.testing.assert_frame_equal(copy.drop(columns="count"), df.drop(columns="count"))
    nullable = pd.DataFrame({"n": pd.array(range(200), dtype="Int64")})
    out = mcar(nullable, 0.5, seed=0)
    assert out["n"].dtype == "Int64"
    assert out["n"].isna().any()


def test_mcar_ndarray_in_ndarray_out():
    x = np.arange(4000, dtype=np.float64).reshape(1000, 4)
    x[0, 0] = np.nan
    out = mcar(x, 0.25, seed=3, columns=[1, 3])
    assert isinstance(out, np.ndarray)
    assert out.dtype == x.dtype
    assert np.isnan(out[0, 0])
    assert not np.isnan(x[1:, :]).any()
    assert not np.isnan(out[:, [0, 2]][1:]).any()
    assert abs(np.isnan(out[:, [1, 3]]).mean() - 0.25) < 5 * math.sqrt(0.25 * 0.75 / 2000)
    np.testing.assert_array_equal(out, mcar(x, 0.25, seed=3, columns=[1, 3]))


# --------------------------------------------------------------------------- blocks


def test_blocks_share_run_lengths_and_seed():
    x = np.zeros((20_000, 3))
    out = blocks(x, 0.1, 5, seed=0)
    hidden = np.isnan(out)
    np.testing.assert_array_equal(hidden.sum(axis=0), [2000, 2000, 2000])  # exact per column
    runs = _runs(hidden)
    # few long runs, not scattered entries; merging of touching gaps lengthens them a bit
    assert 0.9 * 5 < runs.mean() < 1.25 * 5
    np.testing.assert_array_equal(out, blocks(x, 0.1, 5, seed=0))
    assert not np.array_equal(hidden, np.isnan(blocks(x, 0.1, 5, seed=1)))


def test_blocks_frame_existing_gaps_and_columns():
    df = _frame(3000)
    out = blocks(df, 0.2, 10, seed=4, columns=["a", "b"])
    added = added_mask(df, out)
    for j, col in enumerate(["a", "b"]):
        n_obs = int(df[col].notna().sum())
        assert added[:, j].sum() == round(0.2 * n_obs)
        assert out[col].isna()[df[col].isna()].all()
    assert not added[:, 2:].any()
    pd.testing.assert_frame_equal(out.drop(columns=["a", "b"]), df.drop(columns=["a", "b"]))
    assert _runs(added[:, :2]).mean() > 5


# --------------------------------------------------------------------------- added_mask


def test_added_mask_hand_example():
    before = pd.DataFrame({"a": [1.0, np.nan, 3.0], "s": ["x", None, "z"]})
    after = pd.DataFrame({"a": [np.nan, np.nan, 3.0], "s": ["x", None, None]})
    np.testing.assert_array_equal(
        added_mask(before, after), [[True, False], [False, False], [False, True]]
    )
    a = np.array([[1.0, np.nan], [2.0, 3.0]])
    b = np.array([[np.nan, np.nan], [2.0, 4.0]])
    np.testing.assert_array_equal(added_mask(a, b), [[True, False], [False, False]])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mcar(_frame(10), 1.0), "rate must be a number in"),
        (lambda: mcar(_frame(10), -0.1), "rate must be a number in"),
        (lambda: mcar(_frame(10), float("nan")), "rate must be a number in"),
        (lambda: blocks(_frame(10), 0.1, 0.5), "mean_len must be"),
        (lambda: mcar(_frame(10), 0.1, columns=["zz"]), "column 'zz' is not in the frame"),
        (lambda: mcar(_frame(10), 0.1, columns=["label"]), "column 'label' has dtype"),
        (lambda: blocks(_frame(10), 0.1, 2, columns=["flag"]), "column 'flag' has dtype bool"),
        (lambda: mcar(pd.DataFrame({"a": []}, dtype=float), 0.1), "empty"),
        (lambda: mcar(pd.DataFrame({"s": ["x"]}), 0.1), "no numeric"),
        (lambda: mcar(np.zeros((3, 2), dtype=int), 0.1), "cannot hold NaN"),
        (lambda: mcar(np.zeros((3, 2)), 0.1, columns=[2]), "column 2 is not a column index"),
        (lambda: added_mask(np.zeros((2, 2)), np.zeros((2, 3))), "shape"),
        (
            lambda: added_mask(pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]})),
            "columns differ",
        ),
    ],
)
def test_masking_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- imputation_scores


def _hand():
    true = pd.DataFrame(
        {"a": [1.0, 2, 3, 4, 5], "b": [10.0, 20, 30, 40, 50], "d": [0.0, 1, 2, 3, np.nan]}
    )
    imputed = pd.DataFrame(
        {"a": [1.0, 2.5, 3, 3, 5], "b": [10.0, 20, 30, 40, 70], "d": [9.0, 9, 9, 9, 9]}
    )
    mask = np.array(
        [[0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=bool
    )
    return true, imputed, mask


def test_imputation_scores_hand_example():
    true, imputed, mask = _hand()
    s = imputation_scores(true, imputed, mask)
    assert list(s.index) == ["a", "b", "d", "overall"]
    assert list(s.columns) == ["n", "mae", "rmse", "r2", "mae_scaled", "rmse_scaled", "r2_scaled"]
    assert s["n"].tolist() == [3, 2, 0, 5]
    # a: y = [2, 3, 4], p = [2.5, 3, 3]; range 1..5
    assert s.loc["a", "mae"] == pytest.approx(0.5)
    assert s.loc["a", "rmse"] == pytest.approx(math.sqrt(1.25 / 3))
    assert s.loc["a", "r2"] == pytest.approx(1 - 1.25 / 2)
    assert s.loc["a", "mae_scaled"] == pytest.approx(0.5 / 4)
    assert s.loc["a", "rmse_scaled"] == pytest.approx(math.sqrt(1.25 / 3) / 4)
    assert s.loc["a", "r2_scaled"] == pytest.approx(0.375)
    # b: y = [40, 50], p = [40, 70]; range 10..50
    assert s.loc["b", "mae"] == pytest.approx(10)
    assert s.loc["b", "rmse"] == pytest.approx(math.sqrt(200))
    assert s.loc["b", "r2"] == pytest.approx(1 - 400 / 50)
    assert s.loc["b", "mae_scaled"] == pytest.approx(10 / 40)
    assert s.loc["b", "rmse_scaled"] == pytest.approx(math.sqrt(200) / 40)
    # d: nothing scored (its NaN is not scored either)
    assert s.loc["d", ["mae", "rmse", "r2", "mae_scaled"]].isna().all()
    # overall: original scale undefined across units; scaled values pooled
    assert s.loc["overall", ["mae", "rmse", "r2"]].isna().all()
    y = np.array([0.25, 0.5, 0.75, 0.75, 1.0])
    p = np.array([0.375, 0.5, 0.5, 0.75, 1.5])
    assert s.loc["overall", "mae_scaled"] == pytest.approx(np.abs(y - p).mean())
    assert s.loc["overall", "mae_scaled"] == pytest.approx(0.175)
    assert s.loc["overall", "rmse_scaled"] == pytest.approx(math.sqrt(0.328125 / 5))
    assert s.loc["overall", "r2_scaled"] == pytest.approx(1 - 0.328125 / 0.325)


def test_imputation_scores_single_column_arrays_and_masks():
    true, imputed, mask = _hand()
    one = imputation_scores(true[["a"]], imputed[["a"]], mask[:, :1])
    for c in one.columns:
        assert one.loc["overall", c] == pytest.approx(one.loc["a", c])
    arrays = imputation_scores(true.to_numpy(), imputed.to_numpy(), mask.astype(int))
    assert list(arrays.index) == ["0", "1", "2", "overall"]
    np.testing.assert_allclose(
        arrays.to_numpy(dtype=float), imputation_scores(true, imputed, mask).to_numpy(dtype=float)
    )
    framed = imputation_scores(true, imputed, pd.DataFrame(mask, columns=true.columns))
    pd.testing.assert_frame_equal(framed, imputation_scores(true, imputed, mask))
    # one scored entry: MAE/RMSE defined, R² undefined
    single = imputation_scores(true, imputed, np.eye(5, 3, dtype=bool))
    assert single.loc["a", "n"] == 1
    assert single.loc["a", "mae"] == 0
    assert math.isnan(single.loc["a", "r2"])


def test_imputation_scores_constant_and_non_numeric_columns():
    true = pd.DataFrame({"k": [7.0, 7, 7, 7], "x": [0.0, 1, 2, 3], "s": list("abcd")})
    imputed = pd.DataFrame({"k": [7.0, 8, 6, 7], "x": [0.0, 1, 2, 4], "s": list("abcd")})
    mask = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=bool)
    with pytest.warns(UserWarning, match=r"\['k'\] are constant"):
        s = imputation_scores(true, imputed, mask)
    assert s.loc["k", "mae"] == 1
    assert s.loc["k", "rmse"] == 1
    assert s.loc["k", ["r2", "mae_scaled", "rmse_scaled", "r2_scaled"]].isna().all()
    assert s.loc["s", "n"] == 0
    assert s.loc["overall", "n"] == 4
    # overall scaled pools only x: y = [2, 3] / 3, p = [2, 4] / 3
    assert s.loc["overall", "mae_scaled"] == pytest.approx(s.loc["x", "mae_scaled"])
    assert s.loc["overall", "mae_scaled"] == pytest.approx(0.5 / 3)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda t, i, m: (t, i.iloc[:4], m), "imputed has shape"),
        (lambda t, i, m: (t, i, m[:4]), "mask has shape"),
        (lambda t, i, m: (t, i.assign(a=[1, np.nan, np.nan, 3, 5]), m),
         "column 'a': 2 scored entries are NaN or infinite in imputed"),
        (lambda t, i, m: (t.assign(b=[1, 2, 3, np.inf, 5]), i, m),
         "column 'b': 1 scored entry is NaN or infinite in true"),
        (lambda t, i, m: (t, i, m.astype(int) * 2), "mask must be boolean"),
        (lambda t, i, m: (t, i, np.where(m, 1.0, np.nan)), "mask must be boolean"),
        (lambda t, i, m: (t, i, m.astype(str)), "mask must be boolean"),
        (lambda t, i, m: (t, i[["b", "a", "d"]], m), "columns of imputed"),
        (lambda t, i, m: (t, i.set_axis(range(1, 6)), m), "index of imputed"),
        (lambda t, i, m: (t.assign(a=list("vwxyz")), i, m), "column 'a' of true has dtype"),
        (lambda t, i, m: (t.rename(columns={"d": "overall"}), i.rename(columns={"d": "overall"}),
                          m), "named 'overall'"),
        (lambda t, i, m: (t.set_axis(["a", "a", "d"], axis=1),
                          i.set_axis(["a", "a", "d"], axis=1), m), "more than once"),
        (lambda t, i, m: (t["a"], i["a"], m[:, 0]), "2-D"),
    ],
)
def test_imputation_scores_errors(change, match):
    true, imputed, mask = change(*_hand())
    with pytest.raises(ValueError, match=match):
        imputation_scores(true, imputed, mask)


def _true_and_mask(shape):
    values = st.floats(-1e100, 1e100) | st.just(np.nan)
    return st.tuples(hnp.arrays(np.float64, shape, elements=values), hnp.arrays(bool, shape))


@pytest.mark.filterwarnings("ignore:imputation_scores:UserWarning")
@settings(max_examples=40, deadline=None)
@given(hnp.array_shapes(min_dims=2, max_dims=2, max_side=10).flatmap(_true_and_mask))
def test_perfect_imputation_scores_zero(case):
    true, mask = case
    mask &= ~np.isnan(true)  # true values are known where scored
    s = imputation_scores(true, true, mask)
    scored = s.loc[s.index != "overall"]
    assert (scored["n"].to_numpy() == mask.sum(axis=0)).all()
    assert s.loc["overall", "n"] == mask.sum()
    has = scored[scored["n"] > 0]
    assert (has["mae"] == 0).all()
    assert (has["rmse"] == 0).all()
    assert ((has["mae_scaled"] == 0) | has["mae_scaled"].isna()).all()
    assert scored.loc[scored["n"] == 0, ["mae", "rmse", "r2"]].isna().all(axis=None)
