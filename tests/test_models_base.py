"""The one GAN base: rounds counted by the optimizers, local seeding of the networks
(weights_seed), compile settings saved for every model, and the privacy ledger's checks of
the dataset it is given."""

import random

import keras
import numpy as np
import pytest
import tensorflow as tf
from test_doppelganger import TINY, toy_frame, toy_spec
from test_dp import declared_spec
from test_tabular import TINY as TAB_TINY
from test_tabular import table

import tfgan_ts as tg
from tfgan_ts.gan import critic_loss
from tfgan_ts.nn import MLPImputerDiscriminator, MLPImputerGenerator


def test_doppelganger_takes_d_rounds_critic_and_g_rounds_generator_steps():
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, **TINY)
    model.compile(d_rounds=2, g_rounds=3, steps_per_execution=1)
    model.fit(toy_frame(), epochs=1, batch_size=8, verbose=0)  # 24 sequences: 3 batches
    assert int(model.discriminator_optimizer.iterations.numpy()) == 3 * 2
    assert int(model.attribute_discriminator_optimizer.iterations.numpy()) == 3 * 2
    assert int(model.generator_optimizer.iterations.numpy()) == 3 * 3


def test_tabular_gan_takes_d_rounds_critic_steps_per_generator_step():
    model = tg.TabularGAN(conditions=["factor"], seed=0, **TAB_TINY)
    model.compile(d_rounds=3)
    model.fit(table(), epochs=2, batch_size=40, steps_per_epoch=4, verbose=0)
    assert int(model.discriminator_optimizer.iterations.numpy()) == 2 * 4 * 3
    assert int(model.generator_optimizer.iterations.numpy()) == 2 * 4


def _weights(net):
    return [v.numpy() for v in net.weights]


def test_weights_seed_makes_the_same_networks_without_global_seeding():
    before = np.random.get_state()[1].copy()
    data = toy_frame()

    def fitted(weights_seed):
        spec = toy_spec().fit(data)
        model = tg.DoppelGANger(spec, sample_len=2, seed=0, weights_seed=weights_seed, **TINY)
        model.build()
        initial = _weights(model.feature_generator) + _weights(model.discriminator)
        model.compile(steps_per_execution=1)
        # shuffling stays out: tf.data's op seeds mix in TensorFlow's global seed
        model.fit(data, epochs=1, batch_size=8, shuffle=False, verbose=0)
        return initial, model.generate_arrays(6, seed=1).features

    keras.utils.set_random_seed(7)
    state = np.random.get_state()[1].copy()
    python_state = random.getstate()
    first, out_first = fitted(5)
    # the fit left the global generators as it found them
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert random.getstate() == python_state  # LSTM dropout seeds too
    assert before.shape == state.shape
    keras.utils.set_random_seed(123)  # the global generator must not matter
    second, out_second = fitted(5)
    other = tg.DoppelGANger(toy_spec().fit(data), sample_len=2, weights_seed=6, **TINY)
    other.build()
    other = _weights(other.feature_generator)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(out_first, out_second, atol=1e-6)
    assert not np.allclose(first[0], other[0])


def test_tabular_weights_seed_seeds_the_dropout_too():
    def rows(weights_seed):
        model = tg.TabularGAN(conditions=["factor"], seed=0, weights_seed=weights_seed,
                              **TAB_TINY)
        model.fit(table(), epochs=1, batch_size=40, steps_per_epoch=3, verbose=0)
        return model.generate(8, seed=2)["response"].to_numpy()

    first = rows(11)
    keras.utils.set_random_seed(99)
    np.testing.assert_allclose(rows(11), first, rtol=1e-5)
    assert not np.allclose(rows(12), first)


def test_seeded_bilstm_directions_start_from_different_weights():
    net = tg.nn.BiLSTMImputerGenerator(units=4, seed=3)
    zeros = tf.zeros((1, 5, 2))
    net([zeros, zeros, tf.zeros((1, 5, 4))])
    forward = net.lstm.forward_layer.weights[0].numpy()
    backward = net.lstm.backward_layer.weights[0].numpy()
    assert not np.allclose(forward, backward)
    again = tg.nn.BiLSTMImputerGenerator(units=4, seed=3)
    again([zeros, zeros, tf.zeros((1, 5, 4))])
    for a, b in zip(_weights(net), _weights(again), strict=True):
        np.testing.assert_array_equal(a, b)


def test_bad_weights_seed():
    with pytest.raises(ValueError, match="weights_seed must be an integer >= 0"):
        tg.DoppelGANger(toy_spec(), weights_seed=-1)
    with pytest.raises(ValueError, match="weights_seed must be an integer >= 0"):
        tg.TabularGAN(weights_seed="a")


def test_imputation_gan_keeps_its_optimizer_settings_after_loading(tmp_path):
    from tfgan_ts.estimators.imputer_training import SeriesWindows
    from tfgan_ts.gap_context import GapSampler

    rng = np.random.default_rng(0)
    x = rng.random((40, 2))
    observed = rng.random(x.shape) > 0.3
    windows = SeriesWindows(x, observed, 4)
    gan = tg.ImputationGAN(MLPImputerGenerator(8, 1, seed=0), MLPImputerDiscriminator(8, 1),
                           seed=0)
    gan.compile(generator_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.7),
                discriminator_optimizer=keras.optimizers.RMSprop(2e-3))
    gan.fit(windows.batches(observed, GapSampler(~observed, 0.2), 8, seed=0), epochs=1,
            steps_per_epoch=2, verbose=0)
    path = tmp_path / "gain.keras"
    gan.save(path)
    again = keras.models.load_model(path)
    assert float(again.generator_optimizer.learning_rate) == pytest.approx(3e-4)
    assert float(again.generator_optimizer.beta_1) == pytest.approx(0.7)
    assert isinstance(again.discriminator_optimizer, keras.optimizers.RMSprop)
    np.testing.assert_array_equal(windows.fill(again, observed), windows.fill(gan, observed))


def test_critic_loss_is_the_wasserstein_loss_plus_the_weighted_penalty():
    critic = keras.Sequential([keras.layers.Dense(1)])
    real = [tf.constant(np.random.default_rng(0).random((6, 3)), tf.float32)]
    fake = [tf.zeros((6, 3))]
    alpha = tf.fill([6], 0.5)

    def score(parts):
        return critic(parts[0])

    total, w, gp = critic_loss(score, real, fake, alpha, 4.0, per_example=True)
    expected_w = score(fake)[:, 0] - score(real)[:, 0]
    np.testing.assert_allclose(w.numpy(), expected_w.numpy(), rtol=1e-6)
    # a linear critic has the same gradient everywhere: ‖kernel‖
    norm = np.linalg.norm(critic.weights[0].numpy())
    np.testing.assert_allclose(gp.numpy(), (norm - 1.0) ** 2, rtol=1e-4)
    np.testing.assert_allclose(total.numpy(), (w + 4.0 * gp).numpy(), rtol=1e-6)
    mean_total, _, _ = critic_loss(score, real, fake, alpha, 4.0)
    assert float(mean_total) == pytest.approx(float(tf.reduce_mean(total)), rel=1e-6)


def test_the_ledger_accepts_its_poisson_dataset_after_map_and_refuses_others():
    df = toy_frame(n=30)
    model = tg.DoppelGANger(declared_spec(), sample_len=2, seed=0, **TINY,
                            dp={"noise_multiplier": 1.0})
    model.compile(d_rounds=2)
    mapped = model.make_dataset(df, batch_size=10).map(lambda batch: batch)
    model.fit(mapped, epochs=1, verbose=0)
    # 30 sequences, expected batch 10: 3 steps of 2 critic rounds
    assert int(model.dp_steps.numpy()) == 6
    assert model.privacy_report()["discriminator_steps"] == 6
    model.compile(d_rounds=1)
    with pytest.raises(ValueError, match="made for d_rounds=2"):
        model.fit(mapped, epochs=1, verbose=0)
    other = tg.DoppelGANger(declared_spec(), sample_len=2, **TINY, dp={"noise_multiplier": 1.0})
    other.compile(d_rounds=2)
    foreign = model.make_dataset(df, batch_size=5)  # another plan (padded size)
    other.make_dataset(df, batch_size=10)
    with pytest.raises(ValueError, match="not Poisson-sampled"):
        other.fit(foreign, epochs=1, verbose=0)
