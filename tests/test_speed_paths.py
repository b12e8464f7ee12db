"""The speed changes keep the maths: the generator step that reuses the critic step's
generator pass equals a step on a fresh pass with the same noise; thread settings; unrolled
short LSTMs; steps per execution."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf
from test_doppelganger import TINY, toy_frame, toy_spec

import tfgan_ts as tg
from tfgan_ts.gan import gradient_penalty, minimize
from tfgan_ts.gan.losses import wasserstein_critic_loss
from tfgan_ts.models.sequence_pipeline import real_steps
from tfgan_ts.nn import FeatureGenerator


def test_minimize_resumes_a_tape_and_gets_the_fresh_gradient():
    keras.utils.set_random_seed(1)
    gen, critic = keras.layers.Dense(3), keras.layers.Dense(1)
    z = tf.random.normal((5, 2))
    gen.build((None, 2))
    critic.build((None, 3))
    tape = tf.GradientTape(watch_accessed_variables=False)
    with tape:
        tape.watch([v.value for v in gen.trainable_variables])
        fake = gen(z)
    # the critic changes between the generator pass and the generator loss
    critic.kernel.assign(critic.kernel * 2.0 + 1.0)
    opt = keras.optimizers.SGD(learning_rate=1.0)
    before = [v.numpy().copy() for v in gen.trainable_variables]
    with tf.GradientTape() as fresh:
        expected_loss = -tf.reduce_mean(critic(gen(z)))
    expected = fresh.gradient(expected_loss, gen.trainable_variables)
    loss = minimize(opt, lambda: -tf.reduce_mean(critic(fake)), gen.trainable_variables,
                    tape=tape)
    np.testing.assert_allclose(loss.numpy(), expected_loss.numpy(), rtol=1e-6)
    for b, v, g in zip(before, gen.trainable_variables, expected, strict=True):
        np.testing.assert_allclose(v.numpy(), b - g.numpy(), rtol=1e-5, atol=1e-6)


def test_train_step_equals_a_step_with_a_fresh_generator_pass():
    """One DoppelGANger step = critic steps on G(z), then a generator step on G(z)
    recomputed with the updated critics (same z: the original's and gretel's scheme)."""
    df = toy_frame()

    def make():
        keras.utils.set_random_seed(3)
        # the paper's scheme: generated attributes (the reference below generates them too)
        model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=7, attribute_source="generator",
                                **TINY)
        model.compile(steps_per_execution=1)
        model._training_data(df)
        model._ensure_ready()
        return model

    a, b = make(), make()
    b.set_weights(a.get_weights())
    data = a.spec.transform(df)
    batch = {"attributes": tf.constant(data.attributes[:8]),
             "derived_attributes": tf.constant(data.derived_attributes[:8]),
             "features": tf.constant(real_steps(data, a.variable_length)[:8])}
    a.train_step(batch)

    # reference: the same draws from b's seed generator, in the same order
    real = [batch["attributes"], batch["derived_attributes"], batch["features"]]
    z = b._noise(8)
    fake = [tf.stop_gradient(t) for t in b._forward(*z)[:3]]
    for critic, opt, parts in ((b.discriminator, b.discriminator_optimizer, 3),
                               (b.attribute_discriminator,
                                b.attribute_discriminator_optimizer, 2)):
        alpha = keras.random.uniform((8,), seed=b.seed_generator)

        def loss(critic=critic, r=real[:parts], f=fake[:parts], alpha=alpha):
            return (wasserstein_critic_loss(critic(r), critic(f))
                    + 10.0 * gradient_penalty(critic, r, f, alpha))

        minimize(opt, loss, critic.trainable_variables)
    minimize(b.generator_optimizer, lambda: b._generator_loss(*b._forward(*z)[:3]),
             b.generator_variables)
    changed = 0
    for va, vb, v0 in zip(a.generator_variables, b.generator_variables,
                          make().generator_variables, strict=True):
        np.testing.assert_allclose(va.numpy(), vb.numpy(), rtol=1e-5, atol=1e-6)
        changed += not np.allclose(va.numpy(), v0.numpy())
    assert changed > 0  # the step did move the generator
    for va, vb in zip(a.discriminator.trainable_variables,
                      b.discriminator.trainable_variables, strict=True):
        np.testing.assert_allclose(va.numpy(), vb.numpy(), rtol=1e-5, atol=1e-6)


def test_g_rounds_above_one_still_train():
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, **TINY)
    model.compile(d_rounds=2, g_rounds=3)
    history = model.fit(toy_frame(), epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["g_loss"]))
    # 3 batches an epoch; the first generator step reuses the critics' generator pass
    assert int(model.generator_optimizer.iterations.numpy()) == 2 * 3 * 3
    assert int(model.discriminator_optimizer.iterations.numpy()) == 2 * 3 * 2


def test_short_lstms_are_unrolled_long_ones_are_not():
    short = FeatureGenerator([(1, "sigmoid")], max_length=168, sample_len=12, units=4)
    long = FeatureGenerator([(1, "sigmoid")], max_length=218, sample_len=2, units=4)
    assert all(layer.unroll for layer in short.rnn)
    assert not any(layer.unroll for layer in long.rnn)


def test_steps_per_execution_default_and_bad_value():
    model = tg.DoppelGANger(toy_spec(), sample_len=2, **TINY)
    model.compile()
    assert model.steps_per_execution == 16
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(steps_per_execution=0)


def test_configure_threads_bad_values():
    with pytest.raises(ValueError, match="intra_op"):
        tg.configure_threads(intra_op=0)
    with pytest.raises(ValueError, match="inter_op"):
        tg.configure_threads(inter_op=1.5)


def test_configure_threads_in_a_fresh_process_and_too_late():
    code = textwrap.dedent("""
        import tensorflow as tf
        import tfgan_ts as tg
        print(tg.configure_threads(intra_op=1, inter_op=2))
        tf.ones(2) + 1  # TensorFlow starts here
        print(tg.configure_threads(intra_op=1, inter_op=2))  # same values: fine
        try:
            tg.configure_threads(intra_op=2)
        except ValueError as err:
            print("ValueError:", err)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "{'intra_op': 1, 'inter_op': 2}"
    assert lines[1] == lines[0]
    assert lines[2].startswith("ValueError:")
    assert "TF_NUM_INTRAOP_THREADS" in lines[2]


@pytest.mark.parametrize(("flag", "intra"), [([], 1), (["--threads", "tf"], 0)])
def test_cli_sets_the_thread_pools_unless_told_not_to(flag, intra):
    code = textwrap.dedent(f"""
        import tensorflow as tf
        from tfgan_ts.cli import main
        assert main({flag!r} + ["datasets"]) == 0
        print("intra", tf.config.threading.get_intra_op_parallelism_threads())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == f"intra {intra}"
