"""The discriminative score reads every sequence on one scale and trains to convergence: a
shift in level that the spec's per-sequence scaling (auto-normalization) takes out of the
step values is seen, a fresh sample of the same distribution is not told apart."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.evaluation.discriminative import _OneScale, discriminative_score
from tfgan_ts.evaluation.prepared import PreparedFrame


def _make(n, seed, prefix, level=0.0, T=8):
    """n sequences of 4..T steps: attribute a, x = level (varies a little per sequence) +
    a sine of random phase + noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        steps = int(rng.integers(4, T + 1))
        t = np.arange(steps)
        x = (level + rng.normal(0.0, 0.3) + np.sin(t / 2 + rng.uniform(0, 2 * np.pi))
             + rng.normal(0.0, 0.1, steps))
        frames.append(pd.DataFrame({"id": f"{prefix}{i}", "t": t, "a": "pq"[i % 2], "x": x}))
    return pd.concat(frames, ignore_index=True)


def _spec(*frames, auto_normalize=True):
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("a")], [tg.Continuous("x")],
                           auto_normalize=auto_normalize)
    return spec.fit(pd.concat(frames, ignore_index=True))


def test_inputs_are_original_units_standardised_by_the_real_data():
    real = _make(30, 0, "r")
    shifted = real.assign(id="s" + real["id"], x=real["x"] + 2.0)
    outside = real.assign(id="o" + real["id"], x=real["x"] * 10.0)  # beyond the fitted range
    mean, std = real["x"].mean(), real["x"].std(ddof=0)
    for auto in (True, False):  # the encoding does not matter: the values are the same
        spec = _spec(real, shifted, auto_normalize=auto)
        p_real, p_shift = PreparedFrame(real, spec), PreparedFrame(shifted, spec)
        p_out = PreparedFrame(outside, spec)
        scale = _OneScale(p_real.encoded(), spec)
        inputs = {}
        for name, p in (("real", p_real), ("shifted", p_shift), ("outside", p_out)):
            x, mask = scale(p.encoded())
            raw = p.matrix("x")
            np.testing.assert_array_equal(mask, ~np.isnan(raw))
            # channel 0: x in original units, standardised with the real mean and std;
            # then the attribute one-hot repeated at every step; zero after the end
            np.testing.assert_allclose(x[mask][:, 0], (raw[mask] - mean) / std, atol=1e-5)
            a = p.attributes["a"].to_numpy()
            np.testing.assert_array_equal(x[:, 0, 1:], np.column_stack([a == "p", a == "q"]))
            assert (x[~mask] == 0).all()
            inputs[name] = x
        assert inputs["real"].shape[2] == 3  # no midpoint / half-range channels
        # the shift is visible in every step, not only in a derived attribute
        step = inputs["shifted"][..., 0] - inputs["real"][..., 0]
        np.testing.assert_allclose(step[~np.isnan(p_real.matrix("x"))], 2.0 / std, rtol=1e-4)


def test_level_shift_is_told_apart_and_a_fresh_sample_is_not():
    real = _make(120, 0, "r")
    shifted = real.assign(id="s" + real["id"], x=real["x"] + 2.0)
    fresh = _make(120, 1, "f")
    spec = _spec(real, shifted, fresh)
    r = discriminative_score(real, shifted, spec, repeats=1, units=8, seed=0)
    assert r["score"] > 0.3, r  # chance_score: 0.047 on 72 held-out sequences
    assert min(r["train_accuracies"]) > 0.9
    assert 1 <= r["epochs_trained"][0] < 200  # stopped early, not at the cap
    same = discriminative_score(real, fresh, spec, repeats=1, units=8, seed=0)
    assert same["score"] <= 0.15, same
    assert set(same) == {"score", "std", "scores", "accuracies", "train_accuracies",
                         "epochs_trained", "n_real", "n_synthetic", "n_per_class", "n_test",
                         "units", "chance_score"}


@pytest.mark.parametrize(("name", "value"), [("validation_size", 1.0), ("validation_size", 0),
                                             ("patience", -1), ("patience", 2.5)])
def test_early_stopping_settings_are_checked(name, value):
    real = _make(10, 0, "r")
    spec = _spec(real)
    with pytest.raises(ValueError, match=name):
        discriminative_score(real, real, spec, **{name: value})
