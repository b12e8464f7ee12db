"""Known answers and bad input for tabular_fidelity (a synthetic table against a real one)."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tfgan_ts.evaluation import mutual_information_difference, tabular_fidelity


def _table(n=400, seed=0):
    """Two correlated continuous columns (r ≈ 0.9), one unrelated, a string factor and an
    integer factor code."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({
        "x": x,
        "y": 0.9 * x + np.sqrt(1 - 0.81) * rng.normal(size=n),
        "z": rng.uniform(size=n),
        "group": rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2]),
        "code": rng.integers(1, 3, size=n),
    })


def test_identical_frames_score_perfectly():
    real = _table()
    out = tabular_fidelity(real, real.copy(), discrete=["code"])
    cols = out["columns"]
    assert list(cols.index) == list(real.columns)
    assert cols["kind"].to_dict() == {"x": "continuous", "y": "continuous", "z": "continuous",
                                      "group": "discrete", "code": "discrete"}
    np.testing.assert_array_equal(cols["similarity"].to_numpy(dtype=float), 1.0)
    assert out["column_similarity"] == 1.0
    assert out["correlation_difference"] == 0.0
    assert out["association_difference"] == 0.0
    assert out["n_real"] == out["n_synthetic"] == len(real)
    assert out["notes"] == []
    # means and stds are the frame's own (sample std), NaN for discrete columns
    assert cols.loc["x", "real_mean"] == pytest.approx(real["x"].mean(), abs=1e-12)
    assert cols.loc["y", "synthetic_std"] == pytest.approx(real["y"].std(ddof=1), abs=1e-12)
    assert cols.loc["x", "histogram_similarity"] == 1.0
    assert np.isnan(cols.loc["group", "real_mean"])


def test_column_order_of_synthetic_does_not_matter():
    real = _table()
    a = tabular_fidelity(real, real, discrete=["code"])
    b = tabular_fidelity(real, real[real.columns[::-1]], discrete=["code"])
    pd.testing.assert_frame_equal(a["columns"], b["columns"])


def test_shifted_continuous_column_loses_the_ks_statistic():
    real = _table()
    syn = real.copy()
    syn["z"] = syn["z"] + 0.25
    out = tabular_fidelity(real, syn, discrete=["code"])
    ks = stats.ks_2samp(real["z"], syn["z"]).statistic
    assert 0.2 < ks < 0.3  # a shift of a quarter of a U(0, 1) range
    sim = out["columns"]["similarity"]
    assert sim["z"] == pytest.approx(1.0 - ks, abs=1e-12)
    assert (sim.drop("z") == 1.0).all()
    assert out["column_similarity"] == pytest.approx((4 + 1.0 - ks) / 5, abs=1e-12)
    assert out["columns"].loc["z", "synthetic_mean"] == pytest.approx(
        real["z"].mean() + 0.25, abs=1e-12)


def test_ks_similarity_equals_scipy_with_ties_and_unequal_sizes():
    rng = np.random.default_rng(4)
    for n_real, n_syn in ((37, 101), (200, 200), (1, 5)):
        real = pd.DataFrame({"a": np.round(rng.normal(size=n_real), 1),
                             "b": rng.integers(0, 4, n_real).astype(float)})
        syn = pd.DataFrame({"a": np.round(rng.normal(0.3, size=n_syn), 1),
                            "b": rng.integers(1, 5, n_syn).astype(float)})
        sim = tabular_fidelity(real, syn)["columns"]["similarity"]
        for c in ("a", "b"):
            want = 1.0 - stats.ks_2samp(real[c], syn[c]).statistic
            assert sim[c] == pytest.approx(want, abs=1e-15)


def test_permuted_discrete_column_keeps_similarity_constant_one_loses_tvd():
    real = _table()
    rng = np.random.default_rng(1)
    permuted = real.copy()
    permuted["group"] = rng.permutation(real["group"].to_numpy())
    constant = real.copy()
    constant["group"] = "a"
    share_a = float((real["group"] == "a").mean())

    sim_perm = tabular_fidelity(real, permuted, discrete=["code"])["columns"]["similarity"]
    sim_const = tabular_fidelity(real, constant, discrete=["code"])["columns"]["similarity"]
    assert sim_perm["group"] == 1.0
    # all synthetic mass on "a": TVD = 1 - P_real(a), so similarity = P_real(a)
    assert sim_const["group"] == pytest.approx(share_a, abs=1e-12)
    assert 0.4 < share_a < 0.6


def test_integer_code_is_continuous_unless_named_discrete():
    real = _table()
    syn = real.copy()
    syn["code"] = 1  # every row in the first level
    as_number = tabular_fidelity(real, syn)["columns"].loc["code"]
    as_level = tabular_fidelity(real, syn, discrete="code")["columns"].loc["code"]
    share_1 = float((real["code"] == 1).mean())
    assert as_number["kind"] == "continuous"
    assert as_number["similarity"] == pytest.approx(
        1.0 - stats.ks_2samp(real["code"], syn["code"]).statistic, abs=1e-12)
    assert as_level["kind"] == "discrete"
    assert as_level["similarity"] == pytest.approx(share_1, abs=1e-12)


def test_independent_shuffles_raise_correlation_difference_by_the_lost_correlation():
    real = _table(n=2000)[["x", "y"]]
    rng = np.random.default_rng(2)
    syn = pd.DataFrame({c: rng.permutation(real[c].to_numpy()) for c in real.columns})
    out = tabular_fidelity(real, syn)
    r_real = np.corrcoef(real["x"], real["y"])[0, 1]
    r_syn = np.corrcoef(syn["x"], syn["y"])[0, 1]
    assert r_real > 0.85
    assert abs(r_syn) < 0.1
    assert out["correlation_difference"] == pytest.approx(abs(r_real - r_syn), abs=1e-12)
    # shuffling keeps every marginal exactly
    assert out["column_similarity"] == 1.0
    assert out["correlation"]["n_pairs"] == 1


def test_association_difference_is_mutual_information_difference_on_mixed_columns():
    real = _table(n=1000)
    real["x"] = real["x"] + real["group"].map({"a": 0.0, "b": 3.0, "c": 6.0})
    rng = np.random.default_rng(3)
    syn = real.copy()
    syn["group"] = rng.permutation(real["group"].to_numpy())  # breaks group -> x only
    out = tabular_fidelity(real, syn, discrete=["code"], bins=10)
    direct = mutual_information_difference(real, syn, list(real.columns), bins=10,
                                           discrete={"group", "code"})
    assert out["association_difference"] == pytest.approx(direct["mean_abs_difference"],
                                                          abs=1e-12)
    diff = out["association"]["difference"]
    assert diff.loc["group", "x"] > 0.3  # the broken dependence shows on its own pair
    assert diff.loc["y", "z"] == 0.0  # untouched pairs do not move
    assert out["correlation_difference"] == 0.0  # continuous columns untouched


def test_fewer_than_two_continuous_columns_gives_none_with_a_note():
    real = _table()[["x", "group"]]
    out = tabular_fidelity(real, real)
    assert out["correlation_difference"] is None
    assert out["correlation"] is None
    assert any("correlation_difference is None" in n for n in out["notes"])
    assert out["association_difference"] == 0.0


def test_single_column_table():
    real = _table()[["group"]]
    out = tabular_fidelity(real, real)
    assert out["column_similarity"] == 1.0
    assert out["association_difference"] is None
    assert len(out["notes"]) == 2


def _bad_cases():
    real = _table(n=50)
    with_nan = real.copy()
    with_nan.loc[[3, 7, 11], "y"] = np.nan
    as_text = real.copy()
    as_text["z"] = as_text["z"].map("{:.3f}".format)
    return [
        ("missing", real, real.drop(columns="z"), None, ["'z'", "missing from synthetic"]),
        ("extra", real, real.assign(w=1.0), None, ["'w'", "extra in synthetic"]),
        ("empty real", real.iloc[:0], real, None, ["real frame is empty"]),
        ("empty synthetic", real, real.iloc[:0], None, ["synthetic frame is empty"]),
        ("nan", real, with_nan, None, ["'y'", "3 missing (NaN)", "synthetic frame"]),
        ("nan real", with_nan, real, None, ["'y'", "3 missing", "real frame"]),
        ("non-numeric", real, as_text, None, ["'z'", "discrete=['z']"]),
        ("unknown discrete", real, real, ["code", "cod"], ["'cod'", "spelling"]),
    ]


@pytest.mark.parametrize("case", _bad_cases(), ids=lambda c: c[0])
def test_bad_input_names_the_column_and_the_fix(case):
    _, real, syn, discrete, parts = case
    with pytest.raises(ValueError, match="tabular_fidelity") as err:
        tabular_fidelity(real, syn, discrete=discrete)
    for part in parts:
        assert part in str(err.value), str(err.value)


def test_infinite_values_are_refused():
    real = _table(n=50)
    syn = real.copy()
    syn.loc[0, "x"] = np.inf
    with pytest.raises(ValueError, match=re.escape("'x' has 1 infinite")):
        tabular_fidelity(real, syn)


def test_non_dataframe_and_bad_bins():
    real = _table(n=50)
    with pytest.raises(ValueError, match="synthetic must be a pandas DataFrame"):
        tabular_fidelity(real, real.to_numpy())
    with pytest.raises(ValueError, match="bins must be a positive integer"):
        tabular_fidelity(real, real, bins=0)


def test_copula_yardstick_is_scored_beside_the_synthetic_table():
    rng = np.random.default_rng(0)
    z = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=600)
    frame = pd.DataFrame({"a": z[:, 0], "b": np.exp(z[:, 1]), "g": rng.choice(["u", "v"], 600)})
    train, real = frame.iloc[:400], frame.iloc[400:]
    shuffled = train.assign(b=rng.permutation(train["b"].to_numpy()))  # dependence broken
    out = tabular_fidelity(real, shuffled, train=train)
    assert set(out["copula"]) == {"column_similarity", "correlation_difference",
                                  "association_difference"}
    # the copula keeps the a-b dependence the shuffled table lost
    assert out["copula"]["correlation_difference"] < out["correlation_difference"] - 0.2
    with pytest.raises(ValueError, match="train must be a DataFrame"):
        tabular_fidelity(real, shuffled, train=train[["a"]])
