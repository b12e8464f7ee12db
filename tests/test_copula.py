"""tg.GaussianCopula: known answers (correlation, marginals, levels) and bad input."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import tfgan_ts as tg


def _bivariate(n=4000, rho=0.7, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n)
    return pd.DataFrame({"a": np.exp(z[:, 0]), "b": 3 * z[:, 1] + 1})


def test_recovers_a_bivariate_normal_correlation():
    df = _bivariate(rho=0.7)
    rows = tg.GaussianCopula().fit(df).generate(6000, seed=1)
    # the copula of (exp(z1), z2) is the bivariate normal's: Pearson of log a and b is rho
    assert np.corrcoef(np.log(rows["a"]), rows["b"])[0, 1] == pytest.approx(0.7, abs=0.03)
    # and a rank correlation is invariant to the marginals
    assert stats.spearmanr(rows["a"], rows["b"])[0] == pytest.approx(
        stats.spearmanr(df["a"], df["b"])[0], abs=0.03)


def test_independent_columns_stay_independent():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.normal(size=3000), "b": rng.normal(size=3000)})
    rows = tg.GaussianCopula().fit(df).generate(6000, seed=2)
    assert abs(np.corrcoef(rows["a"], rows["b"])[0, 1]) < 0.04


def test_marginals_are_preserved_in_values_and_dtypes():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({
        "skewed": rng.lognormal(0, 1, 2000),
        "count": rng.poisson(3, 2000).astype(np.int64),
        "colour": rng.choice(["red", "green", "blue"], 2000, p=[0.6, 0.3, 0.1]),
        "flag": rng.random(2000) < 0.2,
    })
    rows = tg.GaussianCopula().fit(df).generate(8000, seed=0)
    assert list(rows.columns) == list(df.columns)
    assert rows["count"].dtype == np.int64
    assert rows["flag"].dtype == bool
    assert stats.ks_2samp(df["skewed"], rows["skewed"]).statistic < 0.04
    # empirical marginals: only values seen in training come back
    assert set(rows["skewed"]) <= set(df["skewed"])
    assert set(rows["count"]) <= set(df["count"])
    for name in ("colour", "count", "flag"):
        real = df[name].value_counts(normalize=True)
        synth = rows[name].value_counts(normalize=True).reindex(real.index, fill_value=0)
        assert np.abs(real - synth).max() < 0.025, name


def test_levels_keep_their_own_marginals_and_correlation():
    rng = np.random.default_rng(2)
    parts = []
    for level, mean, rho in (("low", 0.0, 0.8), ("high", 10.0, -0.8)):
        z = rng.multivariate_normal([mean, mean], [[1, rho], [rho, 1]], size=1500)
        parts.append(pd.DataFrame({"x": z[:, 0], "y": z[:, 1], "level": level}))
    df = pd.concat(parts, ignore_index=True)
    cop = tg.GaussianCopula(conditions="level").fit(df)
    for level, mean, rho in (("low", 0.0, 0.8), ("high", 10.0, -0.8)):
        rows = cop.generate(3000, conditions={"level": level}, seed=4)
        assert (rows["level"] == level).all()
        assert rows["x"].mean() == pytest.approx(mean, abs=0.1)
        assert np.corrcoef(rows["x"], rows["y"])[0, 1] == pytest.approx(rho, abs=0.05)
    mixed = cop.generate(4000, seed=5)
    assert (mixed["level"] == "low").mean() == pytest.approx(0.5, abs=0.03)
    # without the condition, one pooled copula mixes the two opposite correlations away
    pooled = tg.GaussianCopula().fit(df).generate(4000, seed=5)
    low = pooled[pooled["level"] == "low"]
    assert abs(np.corrcoef(low["x"], low["y"])[0, 1]) < 0.6


def test_same_seed_same_rows_and_json_state():
    df = _bivariate(n=300).assign(g=lambda d: np.where(d["b"] > 1, "u", "v"))
    cop = tg.GaussianCopula(conditions=["g"]).fit(df)
    pd.testing.assert_frame_equal(cop.generate(50, seed=7), cop.generate(50, seed=7))
    assert not cop.generate(50, seed=7).equals(cop.generate(50, seed=8))
    again = tg.GaussianCopula.from_config(json.loads(json.dumps(cop.get_config())))
    pd.testing.assert_frame_equal(again.generate(50, seed=7), cop.generate(50, seed=7))


def test_few_rows_per_level_still_sample():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(7, 5)), columns=list("abcde")).assign(
        g=["p", "p", "p", "q", "q", "q", "r"])
    rows = tg.GaussianCopula(conditions="g").fit(df).generate(30, conditions={"g": "r"}, seed=0)
    assert len(rows) == 30
    assert (rows["a"] == df["a"].iloc[6]).all()


def test_bad_input_is_named():
    df = _bivariate(n=50).assign(g="x")
    with pytest.raises(ValueError, match="'zz' is not in the table"):
        tg.GaussianCopula(conditions="zz").fit(df)
    cop = tg.GaussianCopula(conditions="g").fit(df)
    with pytest.raises(ValueError, match="no such category"):
        cop.generate(5, conditions={"g": "nope"})
    with pytest.raises(ValueError, match="cannot condition on 'a'"):
        cop.generate(5, conditions={"a": 1.0})
    with pytest.raises(ValueError, match="not fitted"):
        tg.GaussianCopula().generate(5)
    with pytest.raises(ValueError, match="shrinkage"):
        tg.GaussianCopula(shrinkage=2)
    gappy = df.assign(a=df["a"].where(df.index != 3))
    with pytest.raises(ValueError, match="'a'"):
        tg.GaussianCopula().fit(gappy)
