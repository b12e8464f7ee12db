"""GAN imputation: ImputationGAN, GANImputer (observed values bit-identical, bad input,
scikit-learn API), with tiny networks and a few steps."""

import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import tfgan_ts as tg
from tfgan_ts.nn import MLPImputerDiscriminator, MLPImputerGenerator

TINY = dict(window=4, epochs=2, batch_size=16, units=8, seed=0)


def series(n=60, seed=0, rate=0.2):
    """Three smooth columns with MCAR gaps, and the complete truth."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    true = pd.DataFrame({"a": np.sin(t / 5), "b": np.cos(t / 5) * 3 + 10,
                         "c": t / n + rng.normal(0, 0.01, n)})
    return tg.masking.mcar(true, rate, seed=seed), true


@pytest.fixture(scope="module")
def fitted():
    holed, true = series()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        imputer = tg.GANImputer(generator="auto", **TINY).fit(holed)
    return imputer, holed, true


def bits(x):
    return np.asarray(x, dtype=np.float64).view(np.int64)


def test_fills_every_gap_and_keeps_observed_bits(fitted):
    imputer, holed, _ = fitted
    out = imputer.transform(holed)
    assert list(out.columns) == list(holed.columns) and out.index.equals(holed.index)
    assert not out.isna().any().any()
    observed = holed.notna().to_numpy()
    np.testing.assert_array_equal(bits(out.to_numpy())[observed], bits(holed.to_numpy())[observed])
    assert holed.isna().any().any()  # the input was not modified in place


def test_auto_exposes_the_choice_and_both_scores(fitted):
    imputer, _, _ = fitted
    assert set(imputer.validation_rmse_) == {"bilstm", "mlp"}
    assert imputer.generator_ == min(imputer.validation_rmse_, key=imputer.validation_rmse_.get)
    assert all(np.isfinite(v) and v >= 0 for v in imputer.validation_rmse_.values())


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (30, 3), elements=st.floats(-1e6, 1e6, allow_subnormal=True)),
       arrays(np.bool_, (30, 3)))
def test_observed_values_come_back_bit_identical(fitted, values, gaps):
    imputer, _, _ = fitted
    frame = pd.DataFrame(np.where(gaps, np.nan, values), columns=["a", "b", "c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = imputer.transform(frame)
    observed = ~gaps
    np.testing.assert_array_equal(bits(out.to_numpy())[observed], bits(frame.to_numpy())[observed])
    assert not out.isna().any().any()


def test_ndarray_in_ndarray_out_and_passthrough_columns():
    holed, _ = series(40, seed=1)
    arr = holed.to_numpy()
    out = tg.GANImputer(generator="mlp", **TINY).fit_transform(arr)
    assert isinstance(out, np.ndarray) and out.shape == arr.shape and not np.isnan(out).any()
    obs = ~np.isnan(arr)
    np.testing.assert_array_equal(bits(out)[obs], bits(arr)[obs])
    frame = holed.assign(site="x", flag=True, when=pd.date_range("2020", periods=40, freq="h"))
    frame = frame.iloc[::-1].reset_index(drop=True)  # rows out of time order
    with pytest.warns(UserWarning, match=r"passed through untouched.*\['site', 'flag', 'when'\]"):
        imp = tg.GANImputer(generator="mlp", time="when", **TINY).fit(frame)
    out = imp.transform(frame)
    for col in ("site", "flag", "when"):
        pd.testing.assert_series_equal(out[col], frame[col])
    assert not out[["a", "b", "c"]].isna().any().any()


def test_sklearn_api_clone_params_and_pipeline():
    holed, _ = series(40, seed=2)
    imp = tg.GANImputer(generator="mlp", **TINY)
    assert imp.get_params()["window"] == 4
    imp.set_params(window=5)
    assert clone(imp).get_params()["window"] == 5
    pipe = Pipeline([("impute", tg.GANImputer(generator="mlp", **TINY)),
                     ("scale", StandardScaler())])
    out = pipe.fit_transform(holed)
    assert out.shape == holed.shape and np.isfinite(out).all()


def test_imputer_beats_noise_on_a_learnable_series():
    """Not a quality benchmark: the filled gaps must be closer to the truth than the column
    mean is, after a short training on a smooth series."""
    holed, true = series(300, seed=3)
    imp = tg.GANImputer(generator="mlp", window=8, epochs=15, batch_size=32, seed=0)
    out = imp.fit_transform(holed)
    gaps = holed.isna().to_numpy()
    err = np.abs(out.to_numpy() - true.to_numpy())[gaps].mean()
    mean_err = np.abs(holed.fillna(holed.mean()).to_numpy() - true.to_numpy())[gaps].mean()
    assert err < mean_err


def test_bad_input():
    holed, _ = series(40, seed=4)
    with pytest.raises(ValueError, match=r"column\(s\) \['a'\] have no observed value"):
        tg.GANImputer(**TINY).fit(holed.assign(a=np.nan))
    with pytest.raises(ValueError, match="column 'b' has 2 infinite value"):
        tg.GANImputer(**TINY).fit(holed.assign(b=[np.inf, -np.inf] + [1.0] * 38))
    with pytest.raises(ValueError, match="window=50 is longer than the series"):
        tg.GANImputer(**{**TINY, "window": 50}).fit(holed)
    with pytest.raises(ValueError, match="generator must be one of"):
        tg.GANImputer(generator="gru").fit(holed)
    with pytest.raises(ValueError, match="no numeric column"):
        tg.GANImputer(**TINY).fit(pd.DataFrame({"s": ["x"] * 10}))
    imp = tg.GANImputer(generator="mlp", **TINY).fit(holed)
    with pytest.raises(ValueError, match=r"unseen \['z'\], missing \['c'\]"):
        imp.transform(holed.rename(columns={"c": "z"}))
    complete = holed.fillna(0.0)
    with pytest.warns(UserWarning, match="nothing is missing"):
        same = imp.transform(complete)
    pd.testing.assert_frame_equal(same, complete)
    assert same is not complete
    with pytest.raises(ValueError, match="window=4 is longer than X"):
        imp.transform(holed.iloc[:3])


def test_imputation_gan_saves_and_loads(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((20, 4, 2)).astype(np.float32)
    m = (rng.random(x.shape) > 0.3).astype(np.float32)
    gan = tg.ImputationGAN(MLPImputerGenerator(8, 1), MLPImputerDiscriminator(8, 1), seed=0)
    history = gan.fit(x, m, epochs=2, batch_size=8, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "adversarial", "reconstruction"}
    out = gan.impute_window(x, m).numpy()
    np.testing.assert_array_equal(out[m > 0], x[m > 0])
    path = tmp_path / "gain.keras"
    gan.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.impute_window(x, m).numpy(), out)
    with pytest.raises(ValueError, match="hint_rate must be in"):
        tg.ImputationGAN(MLPImputerGenerator(), MLPImputerDiscriminator(), hint_rate=2)
