"""DoppelGANger: shapes, masking, gradient penalty, conditional generation, save/load,
callbacks, distribution and bad input — with tiny networks and a few steps."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import tfgan_ts as tg
from tfgan_ts.gan import gradient_penalty
from tfgan_ts.models.sequence_pipeline import real_steps
from tfgan_ts.nn import FeatureGenerator

TINY = dict(attribute_units=8, attribute_layers=1, minmax_units=8, minmax_layers=1,
            lstm_units=8, discriminator_units=16, discriminator_layers=2, critic_filters=4,
            attribute_discriminator_units=8, attribute_discriminator_layers=1)


def toy_frame(n=24, max_len=8, seed=0):
    """Variable-length sequences: a sine whose phase depends on a discrete attribute."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        kind = ["up", "down"][i % 2]
        length = int(rng.integers(3, max_len + 1))
        size = int(rng.integers(1, 4))
        for t in range(length):
            rows.append({"id": i, "t": t, "kind": kind, "size": size,
                         "x": float(np.sin(t + (0 if kind == "up" else np.pi)) + rng.normal(0, .1)),
                         "c": ["a", "b"][t % 2]})
    return pd.DataFrame(rows)


def toy_spec(max_length=8):
    return tg.SequenceSpec("id", "t", [tg.Discrete("kind"), tg.Discrete("size")],
                           [tg.Continuous("x"), tg.Discrete("c")], max_length=max_length)


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    df = toy_frame()
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, **TINY)
    model.compile()
    history = model.fit(df, epochs=2, batch_size=8, verbose=0)
    return model, df, history


def test_history_holds_the_losses(trained):
    _, _, history = trained
    assert set(history.history) == {"d_loss", "attr_d_loss", "g_loss", "gp", "attr_gp",
                                    "wasserstein"}
    for values in history.history.values():
        assert len(values) == 2
        assert np.all(np.isfinite(values))


def test_generated_shapes_masking_and_lengths(trained):
    model, _, _ = trained
    data = model.generate_arrays(300, seed=1)
    spec = model.spec
    assert data.attributes.shape == (300, spec.attribute_dim)
    assert data.derived_attributes.shape == (300, spec.derived_dim)
    assert data.features.shape == (300, 8, spec.feature_dim)
    assert np.all((data.lengths >= 1) & (data.lengths <= 8))
    # flags are a prefix of ones and nothing after the end is non-zero
    np.testing.assert_array_equal(data.gen_flags,
                                  tg.SequenceData.flags_from_lengths(data.lengths, 8))
    after_end = data.gen_flags[..., None] == 0
    assert np.all(np.where(after_end, data.features, 0) == 0)
    assert len(np.unique(data.lengths)) > 1, "lengths should vary"
    df = model.generate(300, seed=1)
    assert list(df.columns) == ["id", "t", "kind", "size", "x", "c"]
    np.testing.assert_array_equal(df.groupby("id", sort=False).size().to_numpy(), data.lengths)
    assert df["kind"].isin(["up", "down"]).all()
    assert df["c"].isin(["a", "b"]).all()


def test_generation_is_reproducible_with_a_seed(trained):
    model, _, _ = trained
    a = model.generate(50, seed=7)
    pd.testing.assert_frame_equal(a, model.generate(50, seed=7))
    assert not model.generate(50, seed=8).equals(a)


def test_conditional_generation_returns_the_requested_attributes(trained):
    model, _, _ = trained
    wanted = pd.DataFrame({"kind": ["down", "up", "down", "down"], "size": [3, 1, 2, 3]})
    out = model.generate(attributes=wanted, seed=0)
    got = out.groupby("id", sort=False)[["kind", "size"]].first().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, wanted)
    with pytest.raises(ValueError, match="'kind'.*not among the fitted categories"):
        model.generate(attributes=pd.DataFrame({"kind": ["sideways"], "size": [1]}))
    with pytest.raises(ValueError, match=r"attribute column\(s\) \['size'\] missing"):
        model.generate(attributes=pd.DataFrame({"kind": ["up"]}))


def test_save_and_load_gives_the_same_generator(trained, tmp_path):
    model, _, _ = trained
    path = tmp_path / "toy.keras"
    model.save(path)
    again = keras.models.load_model(path)  # safe_mode is on by default
    assert isinstance(again, tg.DoppelGANger)
    assert again.spec.get_config() == model.spec.get_config()
    pd.testing.assert_frame_equal(again.generate(40, seed=3), model.generate(40, seed=3))
    # the loaded model keeps training
    again.fit(toy_frame(seed=1), epochs=1, batch_size=8, verbose=0)


def test_feature_generator_masks_everything_after_the_first_end():
    fg = FeatureGenerator([(1, "sigmoid")], max_length=6, sample_len=3, units=4)
    cond = tf.zeros([5, 2])
    noise = tf.random.normal([5, 2, 3], seed=1)
    steps, mask = fg([cond, noise])
    steps, mask = steps.numpy(), mask.numpy()
    flags = steps[..., -2:]
    for i in range(5):
        ended = False
        for t in range(6):
            assert mask[i, t] == (0.0 if ended else 1.0)
            if ended:
                assert np.all(steps[i, t] == 0)
            ended = ended or flags[i, t, 1] > flags[i, t, 0]


def test_real_steps_flags():
    data = tg.SequenceData(np.zeros((1, 0)), np.zeros((1, 0)), np.ones((1, 4, 1)),
                           [[1, 1, 1, 0]], [3])
    steps = real_steps(data)
    np.testing.assert_array_equal(steps[0, :, 1:], [[1, 0], [1, 0], [0, 1], [0, 0]])


def test_gradient_penalty_per_example_hand_checked():
    # linear critic: gradient w everywhere, ‖w‖ = 5 over the two parts → (5 − 1)² = 16
    w1, w2 = tf.constant([[3.0]]), tf.constant([[0.0], [4.0]])

    def linear(parts):
        return parts[0] @ w1 + parts[1] @ w2

    real = [tf.ones([3, 1]), tf.ones([3, 2])]
    fake = [tf.zeros([3, 1]), tf.zeros([3, 2])]
    gp = gradient_penalty(linear, real, fake, tf.constant([0.1, 0.5, 0.9]), per_example=True)
    np.testing.assert_allclose(gp.numpy(), [16.0, 16.0, 16.0], rtol=1e-6)

    # quadratic critic D(x) = Σx²: gradient 2x̂ with x̂ = α·real + (1−α)·fake, per example
    def quadratic(parts):
        return tf.reduce_sum(tf.square(parts[0]), axis=1, keepdims=True)

    real, fake = [tf.constant([[1.0, 0.0], [3.0, 4.0]])], [tf.zeros([2, 2])]
    alpha = tf.constant([0.5, 1.0])
    gp = gradient_penalty(quadratic, real, fake, alpha, per_example=True).numpy()
    # example 0: x̂ = (0.5, 0), ‖2x̂‖ = 1 → 0;  example 1: x̂ = (3, 4), ‖2x̂‖ = 10 → 81
    np.testing.assert_allclose(gp, [0.0, 81.0], atol=1e-5)
    mean = gradient_penalty(quadratic, real, fake, alpha).numpy()
    np.testing.assert_allclose(mean, 40.5, rtol=1e-6)


def test_fit_accepts_sequence_data_and_datasets():
    df = toy_frame()
    spec = toy_spec().fit(df)
    model = tg.DoppelGANger(spec, sample_len=4, **TINY)
    model.fit(spec.transform(df), epochs=1, batch_size=8, verbose=0)
    ds = model.make_dataset(df, batch_size=6)
    history = model.fit(ds, epochs=1, verbose=0)
    assert history.history["d_loss"]


def test_wide_fixed_length_data_and_no_attributes():
    wide = tg.datasets.wikipedia_traffic(format="wide").iloc[:, :29]
    spec = tg.datasets.default_spec("wikipedia_traffic")
    model = tg.DoppelGANger(spec, sample_len=7, **TINY)
    model.fit(wide, epochs=1, batch_size=5, verbose=0)
    assert not spec.fitted_, "the model fits its own copy of the spec"
    assert model.attribute_generator is None
    assert model.spec.attribute_dim == 0
    # every training sequence is full length: no flags are learnt, all generated are full
    assert model.spec.fixed_length_
    assert not model.variable_length
    assert model.feature_generator.step_dim == model.spec.feature_dim
    data = model.generate_arrays(20, seed=0)
    assert (data.lengths == 28).all()
    out = model.generate(3, seed=0)
    assert list(out.columns) == list(wide.columns)
    assert len(out) == 3
    assert out.iloc[:, 1:].notna().all().all()


def test_event_time_sequences_get_timestamps():
    bank = tg.datasets.bank_transactions()
    bank = bank[bank["account_id"].isin(bank["account_id"].unique()[:20])]
    spec = tg.datasets.default_spec("bank_transactions")
    spec.max_length = 220
    model = tg.DoppelGANger(spec, sample_len=10, **TINY)
    with pytest.warns(UserWarning, match=r"\['trans_id', 'bank', 'account', 'district_id', "
                      r"'account_date'\] are not in the spec"):
        model.fit(bank, epochs=1, batch_size=10, verbose=0)
    out = model.generate(5, seed=0)
    assert pd.api.types.is_datetime64_any_dtype(out["date"])
    assert (out.groupby("account_id")["date"].diff().dropna() >= pd.Timedelta(0)).all()


def test_callbacks(tmp_path):
    df = toy_frame()
    model = tg.DoppelGANger(toy_spec(), sample_len=2, **TINY)
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="g_loss", mode="min", patience=1),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt.keras")),
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.BackupAndRestore(str(tmp_path / "backup")),
        keras.callbacks.TensorBoard(str(tmp_path / "tb")),
    ]
    history = model.fit(df, epochs=2, batch_size=8, verbose=0, callbacks=callbacks)
    assert 1 <= len(history.history["g_loss"]) <= 2
    assert (tmp_path / "ckpt.keras").exists()
    assert any((tmp_path / "tb").rglob("*tfevents*"))
    reloaded = keras.models.load_model(tmp_path / "ckpt.keras")
    assert len(reloaded.generate(2, seed=0)["id"].unique()) == 2


def test_d_rounds_and_options():
    model = tg.DoppelGANger(toy_spec(), sample_len=2, use_attribute_discriminator=False, **TINY)
    model.compile(d_rounds=2, g_rounds=2, gp_weight=5.0)
    history = model.fit(toy_frame(), epochs=1, batch_size=8, verbose=0)
    assert history.history["attr_d_loss"] == [0.0]
    assert model.attribute_discriminator is None
    # 24 sequences in batches of 8: 3 batches, each 2 critic and 2 generator steps
    assert int(model.discriminator_optimizer.iterations.numpy()) == 6
    assert int(model.generator_optimizer.iterations.numpy()) == 6
    assert int(model.attribute_discriminator_optimizer.iterations.numpy()) == 0


def test_mixed_precision():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        model = tg.DoppelGANger(toy_spec(), sample_len=2, **TINY)
        model.compile()
        history = model.fit(toy_frame(), epochs=1, batch_size=8, verbose=0)
        assert np.isfinite(history.history["d_loss"]).all()
        assert isinstance(model.discriminator_optimizer, keras.optimizers.LossScaleOptimizer)
        assert len(model.generate(4, seed=0)["id"].unique()) == 4
    finally:
        keras.mixed_precision.set_dtype_policy("float32")


def run_on_two_cpus(body: str) -> str:
    """Run ``body`` in a fresh Python (devices are fixed at TensorFlow start-up) with two
    logical CPUs, ``strategy`` a MirroredStrategy over them, ``np``, ``tf``, ``tg`` imported
    and tests/ importable; return its stdout, failing on a non-zero exit."""
    code = textwrap.dedent("""
        import sys
        import numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import tfgan_ts as tg
        sys.path.insert(0, "tests")
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    """) + textwrap.dedent(body)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_mirrored_strategy_on_two_logical_cpus():
    """A normal and a DP-SGD model in one subprocess (one TensorFlow start)."""
    stdout = run_on_two_cpus("""
        from test_doppelganger import TINY, toy_frame, toy_spec
        from test_dp import declared_spec
        assert strategy.num_replicas_in_sync == 2
        with strategy.scope():
            model = tg.DoppelGANger(toy_spec(), sample_len=2, **TINY)
            model.compile()
        history = model.fit(toy_frame(), epochs=2, batch_size=8, verbose=0)
        assert np.isfinite(history.history["d_loss"]).all()
        print("replicas", strategy.num_replicas_in_sync, "rows", len(model.generate(3, seed=0)))
        with strategy.scope():
            model = tg.DoppelGANger(declared_spec(), sample_len=2, **TINY,
                                    dp=tg.DPConfig(noise_multiplier=1.0))
            model.compile()
        history = model.fit(toy_frame(n=40), epochs=2, batch_size=8, verbose=0)
        assert np.isfinite(history.history["d_loss"]).all()
        print("steps", int(model.dp_steps.numpy()), "eps", model.privacy_spent().epsilon)
    """)
    assert "replicas 2 rows" in stdout
    # DP: 40 sequences, batch 8: 5 steps per epoch, 2 epochs, counted once (not per replica)
    assert "steps 10 " in stdout


def test_bad_input():
    df = toy_frame()
    with pytest.raises(ValueError, match=r"sample_len=3 does not divide max_length=8; "
                                         r"choose one of \[1, 2, 4, 8\]"):
        tg.DoppelGANger(toy_spec().fit(df), sample_len=3)
    with pytest.raises(ValueError, match="spec must be a tg.SequenceSpec"):
        tg.DoppelGANger("not a spec")
    with pytest.raises(ValueError, match="lstm_units must be an integer >= 1"):
        tg.DoppelGANger(toy_spec(), lstm_units=0)
    model = tg.DoppelGANger(toy_spec(), sample_len=2, **TINY)
    with pytest.raises(ValueError, match="not trained yet"):
        model.generate(3)
    with pytest.raises(ValueError, match="needs a fitted spec"):
        model.fit(tf.data.Dataset.from_tensor_slices({"x": [1.0]}))
    model.fit(df, epochs=1, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="batched already"):
        model.fit(model.make_dataset(df, batch_size=4), batch_size=4)
    for n in (0, -2, None):
        with pytest.raises(ValueError, match="n must be a positive integer"):
            model.generate(n)
    with pytest.warns(UserWarning, match="not in the spec"):
        other = tg.SequenceSpec("id", "t", features=[tg.Continuous("x")],
                                max_length=8).fit(df)
    with pytest.raises(ValueError, match="attributes has width 0 but this spec encodes"):
        model.fit(other.transform(df), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="fit takes a long/wide DataFrame"):
        model.fit(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        model.fit(df, epochs=0)
