"""GAN imputation: ImputationGAN, GANImputer (observed values bit-identical, bad input,
scikit-learn API), with tiny networks and a few steps."""

import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from global_state import assert_global_generators_untouched
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import tfgan_ts as tg
from tfgan_ts.estimators.imputer_training import SeriesWindows
from tfgan_ts.gap_context import GapSampler
from tfgan_ts.nn import MLPImputerDiscriminator, MLPImputerGenerator

TINY = dict(window=4, max_steps=2, validation_every=1, batch_size=16, units=8, seed=0)


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
    assert list(out.columns) == list(holed.columns)
    assert out.index.equals(holed.index)
    assert not out.isna().any().any()
    observed = holed.notna().to_numpy()
    np.testing.assert_array_equal(bits(out.to_numpy())[observed], bits(holed.to_numpy())[observed])
    assert holed.isna().any().any()  # the input was not modified in place


def test_auto_validates_on_entries_hidden_from_training(monkeypatch):
    """The held-out entries reach neither the candidates' training nor their validation fills:
    the series is independent noise, so only a model that saw them could score them near 0."""
    rng = np.random.default_rng(5)
    noise = pd.DataFrame(rng.random((150, 3)), columns=["a", "b", "c"])
    holed = tg.masking.mcar(noise, 0.1, seed=5)
    trained = []
    train = tg.GANImputer._train

    def spy(self, kind, windows, known, *args):
        trained.append((kind, known.copy()))
        return train(self, kind, windows, known, *args)

    monkeypatch.setattr(tg.GANImputer, "_train", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        imputer = tg.GANImputer(generator="auto", validation_fraction=0.2, **TINY).fit(holed)
    observed = holed.notna().to_numpy()
    held = imputer.validation_mask_
    assert held.shape == observed.shape
    assert not (held & ~observed).any()  # only observed entries are held out
    assert 0.1 < held.sum() / observed.sum() < 0.3  # validation_fraction=0.2
    assert [kind for kind, _ in trained] == ["bilstm", "mlp"]
    for _, known in trained:
        np.testing.assert_array_equal(known, observed & ~held)
    assert set(imputer.validation_rmse_) == {"bilstm", "mlp", "interpolation"}
    # copied entries would score exactly 0; interpolating U(0, 1) noise scores about 0.35
    for kind, rmse in imputer.validation_rmse_.items():
        assert rmse > 0.15, kind
        # the best weights are kept, and the untrained generator is interpolation
        assert rmse <= imputer.validation_rmse_["interpolation"], kind
    assert imputer.generator_ == min(["bilstm", "mlp"], key=imputer.validation_rmse_.get)
    assert tg.GANImputer(generator="mlp", **TINY).fit(holed).validation_mask_.sum() > 0


def fit_transform_tiny(generator):
    holed, _ = series(30, seed=6)
    tiny = {**TINY, "max_steps": 1}
    return lambda: tg.GANImputer(generator=generator, **tiny).fit_transform(holed)


@pytest.mark.parametrize("generator", ["bilstm", "mlp"])
def test_fit_and_transform_leave_the_global_generators_alone(generator):
    assert_global_generators_untouched(fit_transform_tiny(generator))


def test_same_seed_same_fills_whatever_the_global_generators():
    holed, _ = series(40, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = tg.GANImputer(generator="auto", **TINY).fit(holed)
        first = auto.transform(holed)
        keras.utils.set_random_seed(99)  # the global generators elsewhere: no effect on seed=0
        # and "auto" refits its choice exactly as asking for that generator does
        chosen = tg.GANImputer(generator=auto.generator_, **TINY).fit(holed)
        pd.testing.assert_frame_equal(chosen.transform(holed), first)
        other = tg.GANImputer(generator=auto.generator_, **{**TINY, "seed": 1}).fit(holed)
    gaps = holed.isna().to_numpy()
    assert not np.array_equal(other.transform(holed).to_numpy()[gaps], first.to_numpy()[gaps])


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
    assert isinstance(out, np.ndarray)
    assert out.shape == arr.shape
    assert not np.isnan(out).any()
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
    assert out.shape == holed.shape
    assert np.isfinite(out).all()


@pytest.mark.parametrize("kind", ["bilstm", "mlp"])
def test_untrained_generator_is_linear_interpolation(kind):
    """The residual heads start at zero: a generator with a zero head fills exactly what
    pandas' linear interpolation does."""
    holed, _ = series(60, seed=3)
    generator = (tg.nn.BiLSTMImputerGenerator(4, seed=0) if kind == "bilstm"
                 else tg.nn.MLPImputerGenerator(8, 1, seed=0))
    model = tg.ImputationGAN(generator, MLPImputerDiscriminator(8, 1))
    model.build((4, 3))
    x = holed.to_numpy()
    known = ~np.isnan(x)
    low, span = np.nanmin(x, 0), np.nanmax(x, 0) - np.nanmin(x, 0)
    scaled = np.where(known, (x - low) / span, 0.0)
    filled = SeriesWindows(scaled, known, 4).fill(model, known) * span + low
    np.testing.assert_allclose(filled, holed.interpolate(limit_direction="both"), rtol=1e-12)


def test_fills_stay_in_the_observed_range():
    """A correction that would take a fill outside the range seen at fit is cut there."""
    holed, _ = series(60, seed=3)
    imp = tg.GANImputer(generator="mlp", **TINY).fit(holed)
    head = imp.model_.generator.head
    head.bias.assign(np.full(head.bias.shape, 1e3))  # corrections far above any value
    out = imp.transform(holed)
    gaps = holed.isna().to_numpy()
    np.testing.assert_allclose(out.to_numpy()[gaps], np.broadcast_to(
        holed.max().to_numpy(), gaps.shape)[gaps])


def test_learns_from_the_other_columns():
    """Not a quality benchmark: column b is column a plus 1 and both are rough noise, so
    interpolation is poor and a generator that reads the other column does far better."""
    rng = np.random.default_rng(3)
    a = rng.normal(0, 1, 400).cumsum() + rng.normal(0, 2, 400)
    holed = tg.masking.mcar(pd.DataFrame({"a": a, "b": a + 1.0}), 0.2, seed=3)
    truth = np.c_[a, a + 1.0]
    imp = tg.GANImputer(generator="mlp", window=8, max_steps=400, validation_every=50,
                        patience=8, batch_size=32, seed=0).fit(holed)
    gaps = holed.isna().to_numpy()
    err = np.sqrt(np.mean((imp.transform(holed).to_numpy() - truth)[gaps] ** 2))
    linear = holed.interpolate(limit_direction="both").to_numpy()
    assert err < 0.6 * np.sqrt(np.mean((linear - truth)[gaps] ** 2))
    assert imp.validation_rmse_["mlp"] < 0.6 * imp.validation_rmse_["interpolation"]
    assert imp.steps_["mlp"] > 0


def test_fit_transform_returns_at_once_when_nothing_is_missing(monkeypatch):
    monkeypatch.setattr(tg.GANImputer, "_train", lambda *_: pytest.fail("trained"))
    full = series(40, seed=4)[1]
    with pytest.warns(UserWarning, match="nothing is missing.*no model was trained"):
        out = tg.GANImputer(**TINY).fit_transform(full)
    pd.testing.assert_frame_equal(out, full)
    assert out is not full


def test_bad_input():
    holed, _ = series(40, seed=4)
    with pytest.raises(ValueError, match=r"column\(s\) \['a'\] have no observed value"):
        tg.GANImputer(**TINY).fit(holed.assign(a=np.nan))
    with pytest.raises(ValueError, match="column 'b' has 2 infinite value"):
        tg.GANImputer(**TINY).fit(holed.assign(b=[np.inf, -np.inf] + [1.0] * 38))
    with pytest.raises(ValueError, match="window=50 is longer than the series"):
        tg.GANImputer(**{**TINY, "window": 50}).fit(holed)
    with pytest.raises(ValueError, match="hide_rate must be in"):
        tg.GANImputer(**{**TINY, "hide_rate": 1.0}).fit(holed)
    with pytest.raises(ValueError, match="max_steps must be a positive integer or None"):
        tg.GANImputer(**{**TINY, "max_steps": 0}).fit(holed)
    with pytest.raises(ValueError, match="generator must be one of"):
        tg.GANImputer(generator="gru").fit(holed)
    with pytest.raises(ValueError, match="seed must be a non-negative integer or None"):
        tg.GANImputer(**{**TINY, "seed": 0.5}).fit(holed)
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
    x = rng.random((60, 2))
    observed = rng.random(x.shape) > 0.3
    windows = SeriesWindows(x, observed, 4)
    gan = tg.ImputationGAN(MLPImputerGenerator(8, 1, seed=0), MLPImputerDiscriminator(8, 1),
                           seed=0)
    batches = windows.batches(observed, GapSampler(~observed, 0.2), 8, seed=0)
    history = gan.fit(batches, epochs=2, steps_per_epoch=3, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "adversarial", "reconstruction"}
    prior, distances = windows.context(observed)
    out = gan.impute_window(x[None, :4], observed[None, :4], prior[None, :4],
                            distances[None, :4]).numpy()
    np.testing.assert_array_equal(out[0][observed[:4]], x[:4][observed[:4]].astype(np.float32))
    path = tmp_path / "gain.keras"
    gan.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(
        again.impute_window(x[None, :4], observed[None, :4], prior[None, :4],
                            distances[None, :4]).numpy(), out)
    with pytest.raises(ValueError, match="hint_rate must be in"):
        tg.ImputationGAN(MLPImputerGenerator(), MLPImputerDiscriminator(), hint_rate=2)
    with pytest.raises(ValueError, match="takes a tf.data.Dataset"):
        gan.fit(x)
