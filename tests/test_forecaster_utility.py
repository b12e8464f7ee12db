"""LSTMForecaster (windowing, scaling, sklearn API, errors) and TSTR/TRTR forecast utility.

Models are tiny (8 units, <= 8 epochs, <= 1.5k windows) so the file runs in well under a minute
on two CPU cores.
"""

import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from global_state import assert_global_generators_untouched
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import tfgan_ts as tg
from tfgan_ts.estimators import LSTMForecaster
from tfgan_ts.evaluation.utility import forecast_utility, train_test_split_sequences

PERIOD = 12
FAST = dict(window=12, units=8, epochs=8, learning_rate=1e-2, batch_size=32, seed=0)


def _sines(n, T, seed):
    """n noiseless sines of period 12 with random phases, [n, T]."""
    phase = np.random.default_rng(seed).uniform(0, 2 * np.pi, size=n)
    return np.sin(2 * np.pi * np.arange(T)[None, :] / PERIOD + phase[:, None])


def _long(x, id_offset=0):
    """[n, T, 2] -> long frame with columns id, t, y, z."""
    n, T, _ = x.shape
    return pd.DataFrame({
        "id": np.repeat(np.arange(n) + id_offset, T),
        "t": np.tile(np.arange(T), n),
        "y": x[:, :, 0].ravel(),
        "z": x[:, :, 1].ravel(),
    })


def _spec():
    return tg.SequenceSpec(
        example_id="id", time="t", features=[tg.Continuous("y"), tg.Continuous("z")]
    )


# --------------------------------------------------------------------------- windowing


def test_windows_known_answer_with_horizon_two_and_a_skipped_sequence():
    a = np.array([[0.0, 10.0], [1, 11], [2, 12], [3, 13], [4, 14]])  # 5 steps, 2 features
    b = np.array([[100.0, 200.0], [101, 201], [102, 202]])  # 3 steps: too short for 2 + 2
    c = np.array([[50.0, 60.0], [51, 61], [52, 62], [53, 63]])  # 4 steps: one window
    f = LSTMForecaster(window=2, horizon=2, target=1)
    with pytest.warns(UserWarning, match="1 of 3 sequence"):
        inputs, targets = f.make_windows([a, b, c])
    expected_inputs = np.array([
        [[0, 10], [1, 11]],
        [[1, 11], [2, 12]],
        [[50, 60], [51, 61]],
    ])
    expected_targets = np.array([[12, 13], [13, 14], [62, 63]])
    np.testing.assert_array_equal(inputs, expected_inputs)
    np.testing.assert_array_equal(targets, expected_targets)

    # Same sequences as a NaN-padded 3-D array, and zero-padded with lengths.
    padded = np.full((3, 5, 2), np.nan)
    zeros = np.zeros((3, 5, 2))
    for i, s in enumerate([a, b, c]):
        padded[i, : len(s)] = s
        zeros[i, : len(s)] = s
    for X, lengths in ((padded, None), (zeros, [5, 3, 4])):
        with pytest.warns(UserWarning, match="1 of 3"):
            got_in, got_t = f.make_windows(X, lengths=lengths)
        np.testing.assert_array_equal(got_in, expected_inputs)
        np.testing.assert_array_equal(got_t, expected_targets)

    # horizon 1, target 0, window 3 on the 2-D one-feature layout
    x = np.array([[1.0, 2, 3, 4, 5], [7, 8, 9, 10, np.nan]])
    f1 = LSTMForecaster(window=3, horizon=1, target=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing skipped, nothing to warn about
        inputs, targets = f1.make_windows(x)
    np.testing.assert_array_equal(inputs[..., 0], [[1, 2, 3], [2, 3, 4], [7, 8, 9]])
    np.testing.assert_array_equal(targets, [[4], [5], [10]])
    assert inputs.shape == (3, 3, 1)  # the NaN padding after 10 never enters a window


def test_fit_counts_skipped_sequences():
    x = [s for s in _sines(6, 30, seed=1)] + [np.arange(5.0)]  # the last is too short
    f = LSTMForecaster(window=12, units=4, epochs=1, seed=0)
    with pytest.warns(UserWarning, match="1 of 7 sequence.*n_skipped_"):
        f.fit(x)
    assert f.n_skipped_ == 1
    assert f.n_sequences_ == 7
    assert f.n_windows_ == 6 * (30 - 12)
    assert f.n_validation_windows_ == round(0.1 * f.n_windows_)


# --------------------------------------------------------------------------- learning


def test_noiseless_sine_is_forecast_with_small_error():
    train, test = _sines(40, 48, seed=0), _sines(10, 48, seed=1)
    f = LSTMForecaster(**FAST).fit(train)
    assert f.n_windows_ == 40 * (48 - 12)
    assert set(f.history_) == {"loss", "val_loss"}
    assert 1 <= len(f.history_["loss"]) <= 8
    scores = f.evaluate(test)
    assert scores["n_windows"] == 10 * 36
    assert scores["n_skipped"] == 0
    # the series std is 0.707; a trained model is ~0.01 off, predicting the mean ~0.64
    assert scores["mae"] < 0.1 * train.std()
    assert scores["rmse"] < 0.15 * train.std()
    inputs, targets = f.make_windows(test)
    pred = f.predict(inputs)
    assert pred.shape == (360, 1)
    np.testing.assert_allclose(np.abs(pred - targets).mean(), scores["mae"], rtol=1e-6)


def test_scaling_is_inverted_on_output_and_target_picks_the_feature():
    # feature 0: a cosine of amplitude 100; feature 1 (the target): sine + 1000
    def two(seed, n):
        s = _sines(n, 48, seed)
        c = np.roll(s, 3, axis=1)  # same wave, a quarter period later
        return np.stack([100 * c, s + 1000.0], axis=-1)

    f = LSTMForecaster(target=1, **FAST).fit(two(0, 40))
    np.testing.assert_allclose(f.scaler_.data_min_, [-100, 999], atol=0.1)
    inputs, targets = f.make_windows(two(1, 10))
    pred = f.predict(inputs)
    assert np.all(np.abs(pred - 1000) < 1.5)  # raw scale, not [0, 1]
    assert np.abs(pred - targets).mean() < 0.1  # amplitude 1


# --------------------------------------------------------------------------- seeding


def test_fit_predict_evaluate_leave_the_global_generators_alone():
    x = _sines(6, 30, seed=2)

    def run():
        f = LSTMForecaster(window=6, units=4, epochs=2, batch_size=16, seed=0).fit(x)
        f.predict(f.make_windows(x)[0])
        f.evaluate(x)

    assert_global_generators_untouched(run)


def test_same_seed_same_forecaster_whatever_the_global_generators():
    x = _sines(8, 30, seed=2)
    settings = dict(window=6, units=4, epochs=3, batch_size=16)
    first = LSTMForecaster(**settings, seed=3).fit(x)
    windows = first.make_windows(x)[0]
    keras.utils.set_random_seed(99)  # the global generators elsewhere: no effect on seed=3
    again = LSTMForecaster(**settings, seed=3).fit(x)
    np.testing.assert_array_equal(again.predict(windows), first.predict(windows))
    assert again.history_ == first.history_
    other = LSTMForecaster(**settings, seed=4).fit(x)
    assert not np.array_equal(other.predict(windows), first.predict(windows))


def test_unseeded_fit_follows_keras_set_random_seed():
    """seed=None draws its seed from Python's global generator, as unseeded Keras layers do."""
    x = _sines(4, 20, seed=2)
    settings = dict(window=6, units=4, epochs=1, batch_size=16)
    keras.utils.set_random_seed(5)
    first = LSTMForecaster(**settings).fit(x)
    keras.utils.set_random_seed(5)
    again = LSTMForecaster(**settings).fit(x)
    windows = first.make_windows(x)[0]
    np.testing.assert_array_equal(again.predict(windows), first.predict(windows))
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        LSTMForecaster(seed=1.5).fit(x)


# --------------------------------------------------------------------------- sklearn API


def test_get_params_clone_and_set_params():
    f = LSTMForecaster(window=6, horizon=3, units=4, seed=7, patience=None)
    params = f.get_params()
    assert params == {
        "window": 6, "horizon": 3, "target": 0, "units": 4, "layers": 1, "epochs": 50,
        "batch_size": 64, "learning_rate": 1e-3, "patience": None, "validation_split": 0.1,
        "seed": 7, "verbose": "auto",
    }
    g = clone(f)
    assert g is not f
    assert g.get_params() == params
    assert g.set_params(units=2, layers=2) is g
    assert g.units == 2
    assert g.layers == 2
    assert "LSTMForecaster(" in repr(f)


def test_fitted_two_layer_model_with_horizon_and_no_validation():
    x = _sines(8, 30, seed=2)
    f = LSTMForecaster(window=6, horizon=3, units=4, layers=2, epochs=2, validation_split=0.0,
                       seed=0).fit(x)
    assert f.n_validation_windows_ == 0
    assert "val_loss" not in f.history_
    assert f.predict(f.make_windows(x)[0][:5]).shape == (5, 3)
    assert f.predict(np.zeros((0, 6, 1))).shape == (0, 3)
    assert len([w for w in f.model_.layers if "lstm" in w.name]) == 2
    assert not hasattr(clone(f), "model_")


# --------------------------------------------------------------------------- bad input


def test_bad_input_raises_value_error():
    f = LSTMForecaster(window=3, epochs=1)
    gap = np.array([[1.0, 2.0, np.nan, 4.0, 5.0, 6.0, np.nan]])  # trailing NaN is padding
    with pytest.raises(ValueError, match="sequence 0 has NaN at step 2"):
        f.fit(gap)
    with pytest.raises(ValueError, match="infinite"):
        f.fit([np.array([1.0, 2.0, np.inf, 4.0, 5.0])])
    with pytest.raises(ValueError, match=r"before its end at step 3"):
        f.make_windows(np.array([[1.0, np.nan, 3.0, 0.0]]), lengths=[3])
    with pytest.raises(ValueError, match="all 2 sequence.*shorter than window \\+ horizon"):
        f.fit([np.arange(3.0), np.arange(2.0)])
    with pytest.raises(ValueError, match="target=2 is out of range.*0..1"):
        LSTMForecaster(window=2, target=2).fit(np.zeros((2, 10, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        f.predict(np.zeros((1, 3, 1)))
    with pytest.raises(NotFittedError):
        f.evaluate(np.zeros((1, 10)))
    with pytest.raises(ValueError, match="different numbers of features"):
        f.fit([np.zeros((5, 1)), np.zeros((5, 2))])
    with pytest.raises(ValueError, match="lengths has shape"):
        f.fit(np.zeros((2, 10)), lengths=[10])
    with pytest.raises(ValueError, match="lengths must be in 0..10"):
        f.fit(np.zeros((2, 10)), lengths=[10, 11])
    with pytest.raises(ValueError, match="pandas DataFrame"):
        f.fit(pd.DataFrame({"a": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="window must be a positive integer"):
        LSTMForecaster(window=0).fit(np.zeros((1, 10)))
    with pytest.raises(ValueError, match="validation_split"):
        LSTMForecaster(validation_split=1.0).fit(np.zeros((1, 10)))

    fitted = LSTMForecaster(window=3, units=2, epochs=1, seed=0).fit(_sines(2, 12, seed=0))
    with pytest.raises(ValueError, match=r"shape \[m, 3, 1\]"):
        fitted.predict(np.zeros((4, 5, 1)))
    with pytest.raises(ValueError, match="NaN/infinite"):
        fitted.predict(np.full((1, 3, 1), np.nan))
    with pytest.raises(ValueError, match="fitted on 1"):
        fitted.evaluate(np.zeros((2, 10, 2)))


# --------------------------------------------------------------------------- utility


@pytest.fixture(scope="module")
def frames():
    def make(n, seed, id_offset):
        s = _sines(n, 36, seed)
        return _long(np.stack([s, np.roll(s, 3, axis=1)], axis=-1), id_offset)

    return make(30, 0, 0), make(8, 1, 1000)


UTIL = dict(window=12, units=8, epochs=6, batch_size=32, learning_rate=1e-2, seed=0)


def test_forecast_utility_identical_synthetic_gives_ratio_exactly_one(frames):
    train, test = frames
    settings = dict(UTIL, epochs=2)  # exactness needs no well-trained model
    out = forecast_utility(train, train.copy(), test, _spec(), target="y", **settings)
    assert set(out) == {
        "trtr_mae", "trtr_rmse", "tstr_mae", "tstr_rmse", "mae_ratio", "rmse_ratio",
        "n_windows_train_real", "n_windows_train_synthetic", "n_windows_test", "target",
        "window", "horizon",
    }
    # same data + same seed -> identical models (TF on CPU is deterministic here)
    assert out["mae_ratio"] == 1.0
    assert out["rmse_ratio"] == 1.0
    assert out["tstr_mae"] == out["trtr_mae"]
    assert out["tstr_rmse"] == out["trtr_rmse"]
    assert out["n_windows_train_real"] == out["n_windows_train_synthetic"] == 30 * 24
    assert out["n_windows_test"] == 8 * 24
    assert (out["target"], out["window"], out["horizon"]) == ("y", 12, 1)


def test_forecast_utility_noise_synthetic_is_much_worse(frames):
    train, test = frames
    rng = np.random.default_rng(5)
    noise = train.copy()
    noise["y"] = rng.normal(size=len(noise))
    noise["z"] = rng.normal(size=len(noise))
    noise = noise.iloc[:-20]  # the last synthetic sequence is shorter: variable lengths work
    out = forecast_utility(train, noise, test, _spec(), target="y", **UTIL)
    assert out["trtr_mae"] < 0.1  # real-trained: ~0.01-0.03 (amplitude 1)
    assert out["mae_ratio"] > 1.5
    assert out["rmse_ratio"] > 1.5
    assert out["n_windows_train_synthetic"] == 29 * 24 + 4


def test_forecast_utility_bad_input(frames):
    train, test = frames
    spec = _spec()
    with pytest.raises(ValueError, match="target 'w' is not among the features"):
        forecast_utility(train, train, test, spec, target="w")
    with pytest.raises(ValueError, match="target 'y' is not among the features"):
        forecast_utility(train, train, test, spec, target="y", features=["z"])
    with pytest.raises(ValueError, match="unknown forecaster setting.*'unit'"):
        forecast_utility(train, train, test, spec, target="y", unit=3)
    gappy = test.copy()
    gappy.loc[5, "z"] = np.nan
    with pytest.raises(ValueError, match=r"real_test: column 'z' has 1 missing.*\[1000\]"):
        forecast_utility(train, train, gappy, spec, target="y")
    with pytest.raises(ValueError, match="synthetic: all 30 sequence"):
        forecast_utility(train, train[train["t"] < 10], test, spec, target="y", window=12)
    with pytest.warns(UserWarning, match="share 8 example id"):
        with pytest.raises(ValueError, match="synthetic: all"):
            forecast_utility(train, train[train["t"] < 5], train.iloc[: 8 * 36], spec, "y")


# --------------------------------------------------------------------------- split


def test_train_test_split_sequences_keeps_whole_sequences():
    df = pd.DataFrame({"id": np.repeat(list("abcdefghij"), 3), "t": np.tile([0, 1, 2], 10)})
    spec = tg.SequenceSpec(example_id="id", features=[tg.Continuous("t")])
    train, test = train_test_split_sequences(df, spec, test_size=0.25, seed=3)
    assert test["id"].nunique() == 3  # ceil(0.25 * 10)
    assert set(train["id"]).isdisjoint(test["id"])
    assert set(train["id"]) | set(test["id"]) == set("abcdefghij")
    assert len(train) + len(test) == len(df)
    assert (test.groupby("id").size() == 3).all()
    assert train.index.is_monotonic_increasing
    assert test.index.is_monotonic_increasing
    again = train_test_split_sequences(df, spec, test_size=0.25, seed=3)[1]
    pd.testing.assert_frame_equal(test, again)
    assert train_test_split_sequences(df, spec, test_size=4, seed=0)[1]["id"].nunique() == 4
    for bad in (0, 10, 0.0, 1.0, "0.2", True):
        with pytest.raises(ValueError, match="test_size"):
            train_test_split_sequences(df, spec, test_size=bad)
    with pytest.raises(ValueError, match="example id column 'id' missing"):
        train_test_split_sequences(df.drop(columns="id"), spec)
