"""Known answers for the first evaluation metrics (ACF, histograms, lengths, layout), and the
evaluation package's import without TensorFlow."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.evaluation import (
    acf_mse,
    acf_score,
    autocorrelation,
    histogram_similarity,
    length_distribution,
    per_sample_autocorrelation,
    sequence_lengths,
    sequence_matrix,
)


def _reference_acf(x, max_lag):
    """Straight from the definition (what statsmodels' acf(adjusted=False) computes)."""
    x = np.asarray(x, dtype=np.float64)
    d = x - x.mean()
    full = np.correlate(d, d, mode="full")[len(x) - 1:]
    return full[1:max_lag + 1] / full[0]


# --------------------------------------------------------------------------- autocorrelation


def test_acf_hand_computed_four_points():
    # x = 1, 2, 3, 4: mean 2.5, deviations -1.5, -0.5, 0.5, 1.5
    # denominator: 2.25 + 0.25 + 0.25 + 2.25 = 5
    # lag 1: (-1.5)(-0.5) + (-0.5)(0.5) + (0.5)(1.5) = 0.75 - 0.25 + 0.75 = 1.25 -> 0.25
    # lag 2: (-1.5)(0.5) + (-0.5)(1.5) = -1.5 -> -0.3
    # lag 3: (-1.5)(1.5) = -2.25 -> -0.45
    got = autocorrelation(np.array([[1.0, 2.0, 3.0, 4.0]]), max_lag=3)
    np.testing.assert_allclose(got, [0.25, -0.3, -0.45], rtol=0, atol=1e-15)
    np.testing.assert_allclose(got, _reference_acf([1, 2, 3, 4], 3), rtol=0, atol=1e-15)


def test_acf_hand_computed_three_points_odd_alternation():
    # x = 1, -1, 1: mean 1/3, deviations 2/3, -4/3, 2/3
    # denominator: 4/9 + 16/9 + 4/9 = 24/9
    # lag 1: (2/3)(-4/3) + (-4/3)(2/3) = -16/9 -> -16/24 = -2/3
    # lag 2: (2/3)(2/3) = 4/9 -> 4/24 = 1/6
    got = autocorrelation([[1.0, -1.0, 1.0]], max_lag=2)
    np.testing.assert_allclose(got, [-2 / 3, 1 / 6], rtol=0, atol=1e-15)


def test_acf_matches_definition_on_random_sequences():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 40)).cumsum(axis=1)
    per = per_sample_autocorrelation(x, max_lag=10)
    for i in range(5):
        np.testing.assert_allclose(per[i], _reference_acf(x[i], 10), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(autocorrelation(x, max_lag=10), per.mean(axis=0), rtol=1e-12)


def test_acf_averages_per_sample_curves():
    # two samples: [1,2,3,4] (lag 1: 0.25) and [1,-1,1,-1] (mean 0, lag 1: -3/4)
    x = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, -1.0, 1.0, -1.0]])
    # [1,-1,1,-1]: denominator 4; lag 1: -3/4; lag 2: 2/4; lag 3: -1/4
    want = np.array([(0.25 - 0.75) / 2, (-0.3 + 0.5) / 2, (-0.45 - 0.25) / 2])
    np.testing.assert_allclose(autocorrelation(x, max_lag=3), want, rtol=0, atol=1e-15)


def test_sine_has_acf_near_one_at_its_period():
    p, L = 24, 24 * 400
    x = np.sin(2 * np.pi * np.arange(L) / p)
    acf = autocorrelation(x[None, :], max_lag=2 * p)
    # x repeats every p steps and its mean is 0 over whole periods, so the biased estimator
    # gives exactly (L - p) / L at lag p and (L - p/2) / L * (-1) at lag p/2
    assert acf[p - 1] == pytest.approx((L - p) / L, abs=1e-9)
    assert acf[p - 1] > 0.99
    assert acf[p // 2 - 1] == pytest.approx(-(L - p // 2) / L, abs=1e-9)
    assert acf[2 * p - 1] == pytest.approx((L - 2 * p) / L, abs=1e-9)


def test_alternating_signs_give_minus_one_in_the_limit():
    for L in (10, 1000, 100_000):
        x = np.where(np.arange(L) % 2 == 0, 1.0, -1.0)
        # even L: mean 0, denominator L, lag-1 products all -1: ACF(1) = -(L - 1) / L
        got = autocorrelation(x[None, :], max_lag=2)
        assert got[0] == pytest.approx(-(L - 1) / L, abs=1e-12)
        assert got[1] == pytest.approx((L - 2) / L, abs=1e-12)
    assert got[0] == pytest.approx(-1.0, abs=1e-4)


def test_white_noise_acf_is_small():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 500))
    acf = autocorrelation(x, max_lag=20)
    # averaged over 200 samples of 500 points: bias -1/500, standard error about 0.003
    assert np.all(np.abs(acf) < 0.02)


def test_nan_padding_and_lengths_agree():
    rng = np.random.default_rng(2)
    lengths = np.array([30, 12, 5, 30, 2])
    full = rng.normal(size=(5, 30))
    padded = full.copy()
    padded[np.arange(30)[None, :] >= lengths[:, None]] = np.nan
    per_padded = per_sample_autocorrelation(padded, max_lag=8)
    per_lengths = per_sample_autocorrelation(full, lengths=lengths, max_lag=8)
    np.testing.assert_array_equal(np.isnan(per_padded), np.isnan(per_lengths))
    np.testing.assert_allclose(per_padded, per_lengths, rtol=1e-12, equal_nan=True)
    for i, n in enumerate(lengths):
        k = min(8, n - 1)
        np.testing.assert_allclose(per_padded[i, :k], _reference_acf(full[i, :n], k), rtol=1e-12)
        # fewer than k + 1 valid points: no value at lag k
        assert np.isnan(per_padded[i, k:]).all()


def test_skipped_samples_are_counted_and_left_out_of_the_mean():
    x = np.array(
        [
            [1.0, 2.0, 3.0, 4.0],  # full
            [5.0, 5.0, 5.0, 5.0],  # zero variance: skipped at every lag
            [1.0, 3.0, np.nan, np.nan],  # 2 points: lag 1 only
        ]
    )
    acf, counts = autocorrelation(x, max_lag=3, return_counts=True)
    # sample 3: mean 2, deviations -1, 1: lag 1 = -1 / 2
    np.testing.assert_allclose(acf, [(0.25 - 0.5) / 2, -0.3, -0.45], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(counts, [2, 1, 1])


def test_constant_sequence_with_rounding_noise_counts_as_zero_variance():
    x = np.full((1, 50), 0.1) * 3  # 0.30000000000000004 everywhere
    x[0, ::3] = 0.3
    assert np.isnan(autocorrelation(x, max_lag=3)).all()


def test_lag_beyond_every_sequence_is_nan_without_warnings():
    with np.testing.assert_no_warnings():
        acf, counts = autocorrelation([[1.0, 2.0, 4.0]], max_lag=5, return_counts=True)
    assert np.isfinite(acf[:2]).all()
    assert np.isnan(acf[2:]).all()
    np.testing.assert_array_equal(counts, [1, 1, 0, 0, 0])


def test_interior_nan_is_a_missing_point():
    # 1, 2, NaN, 4: mean 7/3, deviations -4/3, -1/3, 5/3; denominator 16/9 + 1/9 + 25/9 = 42/9
    # lag 1 pairs: (0,1) only -> (4/9) / (42/9) = 4/42; lag 2: (1,3) -> (-5/9) / (42/9)
    # lag 3: (0,3) -> (-20/9) / (42/9)
    got = autocorrelation([[1.0, 2.0, np.nan, 4.0]], max_lag=3)
    np.testing.assert_allclose(got, [4 / 42, -5 / 42, -20 / 42], rtol=0, atol=1e-15)


def test_default_max_lag_and_bad_input():
    assert autocorrelation(np.arange(6.0)[None, :]).shape == (5,)
    with pytest.raises(ValueError, match="max_lag"):
        autocorrelation([[1.0, 2.0]], max_lag=0)
    with pytest.raises(ValueError, match="2-D"):
        autocorrelation(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="lengths"):
        autocorrelation(np.zeros((2, 3)), lengths=[1, 2, 3])
    with pytest.raises(ValueError, match="lengths must lie"):
        autocorrelation(np.zeros((2, 3)), lengths=[1, 4])
    with pytest.raises(ValueError, match="infinite"):
        autocorrelation([[1.0, np.inf, 2.0]])


def test_acf_mse_and_score():
    real = np.array([[1.0, 2.0, 3.0, 4.0]])  # ACF 0.25, -0.3, -0.45
    assert acf_mse(real, real.copy(), max_lag=3) == 0.0
    assert acf_score(real, real.copy(), max_lag=3) == 1.0
    syn = np.array([[1.0, -1.0, 1.0, -1.0]])  # ACF -0.75, 0.5, -0.25
    # differences 1.0, -0.8, -0.2: squares 1.0 + 0.64 + 0.04 = 1.68
    assert acf_mse(real, syn, max_lag=3) == pytest.approx(1.68 / 3, abs=1e-15)
    # sum of A_real^2 = 0.0625 + 0.09 + 0.2025 = 0.355
    assert acf_score(real, syn, max_lag=3) == pytest.approx(1 - 1.68 / 0.355, abs=1e-12)
    # the reversed sequence has the same ACF
    assert acf_mse(real, real[:, ::-1], max_lag=3) == pytest.approx(0.0, abs=1e-30)
    # lengths are passed through to each side
    padded = np.array([[1.0, 2.0, 3.0, 4.0, 99.0, 99.0]])
    assert acf_mse(real, padded, max_lag=3, synthetic_lengths=[4]) == pytest.approx(0, abs=1e-30)
    # a lag no synthetic sequence reaches makes the comparison NaN, not a silent drop
    assert np.isnan(acf_mse(real, [[1.0, 2.0, 4.0]], max_lag=3))
    with pytest.raises(ValueError, match="max_lag"):
        acf_mse(real, syn, max_lag=None)


# --------------------------------------------------------------------------- layout


def _long_frame():
    # example "b" first, rows shuffled; "a" has 2 steps, "b" 3, "c" 1
    return pd.DataFrame(
        {
            "id": ["b", "a", "b", "c", "a", "b"],
            "t": [2, 1, 0, 5, 0, 1],
            "v": [12.0, 21.0, 10.0, 30.0, 20.0, 11.0],
            "flag": [True, False, True, False, True, False],
            "s": ["x", "y", "x", "z", "y", "x"],
        }
    )


def test_sequence_matrix_orders_by_first_appearance_then_time():
    df = _long_frame()
    spec = tg.SequenceSpec(example_id="id", time="t", features=[tg.Continuous("v")])
    x = sequence_matrix(df, spec, "v")
    nan = np.nan
    want = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, nan], [30.0, nan, nan]])
    np.testing.assert_array_equal(x, want)
    np.testing.assert_array_equal(sequence_lengths(df, spec), [3, 2, 1])
    np.testing.assert_array_equal(sequence_matrix(df, spec, "flag")[0], [1.0, 0.0, 1.0])
    assert sequence_matrix(df, spec, "v", n_steps=5).shape == (3, 5)
    # a fitted spec's max_length is the default width
    spec.fit(df)
    spec.max_length_ = 4
    assert sequence_matrix(df, spec, "v").shape == (3, 4)


def test_prepared_frame_gives_the_same_layout_once():
    df = _long_frame()
    spec = tg.SequenceSpec(example_id="id", time="t", features=[tg.Continuous("v")])
    prepared = tg.evaluation.prepare(df, spec)
    assert tg.evaluation.prepare(prepared, spec) is prepared
    want = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, np.nan], [30.0, np.nan, np.nan]])
    np.testing.assert_array_equal(sequence_matrix(prepared, spec, "v"), want)
    np.testing.assert_array_equal(sequence_lengths(prepared, spec), [3, 2, 1])
    # the cache is read-only; the public functions hand out copies the caller may change
    assert prepared.matrix("v") is prepared.matrix("v")
    assert not prepared.matrix("v").flags.writeable
    mine = sequence_matrix(prepared, spec, "v")
    mine[0, 0] = -1.0
    assert prepared.matrix("v")[0, 0] == 10.0
    # another spec re-reads the frame: here one without a time column keeps the row order
    no_time = tg.SequenceSpec(example_id="id", features=[tg.Continuous("v")])
    assert tg.evaluation.prepare(prepared, no_time) is not prepared
    np.testing.assert_array_equal(sequence_matrix(prepared, no_time, "v")[0], [12.0, 10.0, 11.0])


def test_sequence_matrix_without_time_uses_row_order():
    df = _long_frame()
    spec = tg.SequenceSpec(example_id="id", features=[tg.Continuous("v")])
    x = sequence_matrix(df, spec, "v")
    np.testing.assert_array_equal(x[0], [12.0, 10.0, 11.0])
    np.testing.assert_array_equal(x[1, :2], [21.0, 20.0])


def test_sequence_matrix_datetime_time_and_autocorrelation_roundtrip():
    rng = np.random.default_rng(3)
    n, T = 4, 30
    values = rng.normal(size=(n, T)).cumsum(axis=1)
    start = pd.Timestamp("2020-01-01")
    df = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), T),
            "when": np.tile(pd.date_range(start, periods=T, freq="D"), n),
            "v": values.ravel(),
        }
    ).sample(frac=1.0, random_state=0)
    spec = tg.SequenceSpec(example_id="id", time="when", features=[tg.Continuous("v")])
    x = sequence_matrix(df, spec, "v")
    first = pd.unique(df["id"])
    np.testing.assert_array_equal(x, values[first])
    np.testing.assert_allclose(
        autocorrelation(x, max_lag=5), autocorrelation(values, max_lag=5), rtol=1e-12)


def test_sequence_matrix_bad_input():
    df = _long_frame()
    spec = tg.SequenceSpec(example_id="id", time="t", features=[tg.Continuous("v")])
    with pytest.raises(ValueError, match="'nope' missing"):
        sequence_matrix(df, spec, "nope")
    with pytest.raises(ValueError, match="dtype"):
        sequence_matrix(df, spec, "s")
    with pytest.raises(ValueError, match="n_steps"):
        sequence_matrix(df, spec, "v", n_steps=2)
    with pytest.raises(ValueError, match="example id"):
        sequence_matrix(df.drop(columns="id"), spec, "v")
    with pytest.raises(ValueError, match="time column"):
        sequence_matrix(df.assign(t=[1, None, 2, 3, 4, 5]), spec, "v")


# --------------------------------------------------------------------------- histograms


def test_identical_data_have_similarity_one():
    rng = np.random.default_rng(4)
    x = rng.normal(size=1000)
    assert histogram_similarity(x, x.copy()) == 1.0
    cats = pd.Series(pd.Categorical(rng.choice(list("abc"), 500)))
    assert histogram_similarity(cats, cats.copy()) == 1.0
    assert histogram_similarity(cats, cats.sample(frac=1.0, random_state=1)) == 1.0


def test_disjoint_supports_have_similarity_zero():
    rng = np.random.default_rng(5)
    a = rng.uniform(0, 1, 500)
    b = rng.uniform(10, 11, 700)
    assert histogram_similarity(a, b) == 0.0
    assert histogram_similarity(["x", "y"] * 5, ["z"] * 3) == 0.0


def test_continuous_known_value_on_shared_edges():
    # bins=2 on the union's range [0, 1]: edges 0, 0.5, 1
    # real: 0, 0, 1, 1 -> 1/2, 1/2; synthetic: 0, 1, 1, 1 -> 1/4, 3/4; TVD = 1/4
    assert histogram_similarity([0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 1.0], bins=2) == 0.75
    # the edges come from the union: synthetic outside the real range still counts
    # union range [0, 4], bins=2 -> edges 0, 2, 4: real 1, 1 | synthetic 1, 3 -> TVD 1/2
    assert histogram_similarity([0.0, 1.0], [1.0, 4.0], bins=2) == 0.5


def test_categories_on_one_side_only():
    # real: a .5, b .5; synthetic: a .75, c .25
    # TVD = (|.5-.75| + |.5-0| + |0-.25|) / 2 = 0.5
    got = histogram_similarity(["a", "a", "b", "b"], ["a", "a", "a", "c"])
    assert got == pytest.approx(0.5, abs=1e-15)
    # categorical dtype with unused categories changes nothing
    real = pd.Series(pd.Categorical(["a", "a", "b", "b"], categories=list("abcdef")))
    assert histogram_similarity(real, ["a", "a", "a", "c"]) == pytest.approx(0.5, abs=1e-15)


def test_discrete_flags_bool_ints_and_missing():
    assert histogram_similarity([True, True, False, False], [True, False, False, False]) == 0.75
    # months as integer codes compared as categories: real 1, 2; synthetic 2, 3 -> TVD 1/2
    assert histogram_similarity([1, 2], [2, 3], discrete=True) == 0.5
    # missing is a category of its own: real a, NaN; synthetic a, a -> TVD 1/2
    assert histogram_similarity(["a", None], ["a", "a"]) == 0.5
    assert histogram_similarity(["a", None], ["a", np.nan]) == 1.0
    # and an extra bin for continuous values
    assert histogram_similarity([1.0, np.nan], [1.0, 1.0]) == 0.5


def test_histogram_similarity_bad_input():
    with pytest.raises(ValueError, match="both sides"):
        histogram_similarity([], [1.0])
    with pytest.raises(ValueError, match="1-D"):
        histogram_similarity(np.zeros((2, 2)), [1.0])
    with pytest.raises(ValueError, match="infinite"):
        histogram_similarity([1.0, np.inf], [1.0])


# --------------------------------------------------------------------------- lengths


def test_length_distribution():
    same = length_distribution([2, 5, 9, 9], np.array([9, 5, 2, 9]))
    assert same["wasserstein"] == 0.0
    assert same["ks_statistic"] == 0.0
    assert same["ks_pvalue"] == 1.0
    assert same["real_mean"] == same["synthetic_mean"] == 6.25
    shifted = length_distribution([2, 5, 9], [5, 8, 12])
    assert shifted["wasserstein"] == pytest.approx(3.0)
    assert shifted["synthetic_mean"] - shifted["real_mean"] == pytest.approx(3.0)
    assert shifted["n_real"] == 3
    assert shifted["n_synthetic"] == 3
    far = length_distribution(np.full(50, 10), np.full(60, 100))
    assert far["ks_statistic"] == 1.0
    assert far["ks_pvalue"] < 1e-10
    with pytest.raises(ValueError, match="both sides"):
        length_distribution([], [1])


# --------------------------------------------------------------------------- import


_NO_TENSORFLOW = """
import json, sys
import numpy as np
import pandas as pd
import tfgan_ts.evaluation as ev
from tfgan_ts import SequenceSpec, Continuous
x = np.sin(np.arange(24) / 3)[None, :].repeat(3, axis=0)
df = pd.DataFrame({"id": np.repeat([0, 1, 2], 24), "t": np.tile(np.arange(24), 3),
                   "v": x.ravel()})
spec = SequenceSpec("id", "t", features=[Continuous("v")])
out = {
    "histogram": ev.histogram_similarity([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
    "acf_score": ev.acf_score(x, x, max_lag=5),
    "matrix_shape": list(ev.sequence_matrix(df, spec, "v").shape),
    "loaded": sorted(m for m in ("tensorflow", "keras", "matplotlib") if m in sys.modules),
}
ev.forecast_utility  # looked up, not called: its module imports TensorFlow only when it runs
out["after_lookup"] = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
print(json.dumps(out))
"""


def test_evaluation_imports_and_measures_without_tensorflow():
    # a fresh interpreter: the measures that train nothing run without TensorFlow, Keras or
    # matplotlib being imported; discriminative_score and forecast_utility load on first use
    done = subprocess.run([sys.executable, "-c", _NO_TENSORFLOW], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["histogram"] == 1.0
    assert out["acf_score"] == 1.0
    assert out["matrix_shape"] == [3, 24]
    assert out["loaded"] == []
    assert out["after_lookup"] == []

