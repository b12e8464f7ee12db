"""DP-SGD: accounting against dp-accounting directly, clipping, noise, Poisson sampling,
DP training end to end, the schema guard — tiny models, few steps."""

import os
import sys

import dp_accounting
import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy import stats

import tfgan_ts as tg
from tfgan_ts.gan import dp
from tfgan_ts.models.doppelganger_dp import EpsilonLogger

sys.path.insert(0, os.path.dirname(__file__))
from test_doppelganger import TINY, toy_frame  # noqa: E402


def declared_spec():
    """The toy frame's spec with everything declared (nothing read off the data)."""
    return tg.SequenceSpec(
        "id", "t", [tg.Discrete("kind", ["up", "down"]), tg.Discrete("size", [1, 2, 3])],
        [tg.Continuous("x", bounds=(-2, 2)), tg.Discrete("c", ["a", "b"])], max_length=8)


# DP-SGD's per-example gradients of the critic's conv branch are slow (3× a step); the
# accounting tests use the MLP critic, test_schema_guard keeps the conv branch under DP
TINY_DP = {**TINY, "critic_filters": 0}


@pytest.fixture(scope="module")
def dp_trained():
    df = toy_frame(n=60)
    model = tg.DoppelGANger(declared_spec(), sample_len=2, seed=0,
                            dp=tg.DPConfig(noise_multiplier=1.3, l2_norm_clip=0.5), **TINY_DP,
                            attribute_source="generator")  # DP-SGD alone: no histogram
    model.compile(d_rounds=2)
    history = model.fit(df, epochs=3, batch_size=10, verbose=0)
    return model, df, history


# ---------------------------------------------------------------------- accounting ----
def direct_epsilon(n, batch, sigma, steps, delta, accountant):
    """The same composed events, written out with dp-accounting alone."""
    q = batch / n
    cap = dp.poisson_plan(n, batch).max_batch
    truncation = steps * stats.binom.sf(cap, n, q)
    acc = (dp_accounting.rdp.RdpAccountant() if accountant == "rdp"
           else dp_accounting.pld.PLDAccountant())
    acc.compose(dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)),
                steps)
    return acc.get_epsilon(delta - truncation)


def test_model_epsilon_equals_direct_dp_accounting(dp_trained):
    model, df, history = dp_trained
    # 60 sequences, expected batch 10: 6 generator steps per epoch, 2 critic steps each
    assert int(model.dp_steps.numpy()) == 3 * 6 * 2
    eps, delta = model.privacy_spent()
    assert delta == 1e-5  # 1/60 rounded down to a power of ten is 1e-2; 1e-5 is smaller
    assert eps == pytest.approx(direct_epsilon(60, 10, 1.3, 36, 1e-5, "rdp"), rel=1e-9)
    # History carries epsilon per epoch: 12, 24, 36 steps
    expected = [direct_epsilon(60, 10, 1.3, k, 1e-5, "rdp") for k in (12, 24, 36)]
    np.testing.assert_allclose(history.history["epsilon"], expected, rtol=1e-9)


@pytest.mark.parametrize("accountant", ["rdp", "pld"])
def test_compute_epsilon_matches_dp_accounting(accountant):
    plan = dp.poisson_plan(2182, 100)
    seg = dp.Segment(plan.sampling_probability, 1.1, plan.overflow_probability, 50 * 22)
    ours = dp.compute_epsilon([seg], 1e-5, accountant)
    assert ours == pytest.approx(direct_epsilon(2182, 100, 1.1, 1100, 1e-5, accountant),
                                 rel=1e-9)
    assert 0 < ours < 20


def test_segments_compose_and_calibration_hits_the_target():
    plan = dp.poisson_plan(500, 50)
    first = dp.Segment(plan.sampling_probability, 2.0, plan.overflow_probability, 40)
    sigma = dp.calibrate_noise_multiplier(4.0, 1e-5, plan, 60, spent=[first])
    second = dp.Segment(plan.sampling_probability, sigma, plan.overflow_probability, 60)
    eps = dp.compute_epsilon([first, second], 1e-5)
    assert 3.99 < eps <= 4.0
    acc = dp_accounting.rdp.RdpAccountant()
    acc.compose(dp_accounting.ComposedDpEvent([first.event(), second.event()]))
    assert eps == pytest.approx(acc.get_epsilon(1e-5 - dp.overflow_delta([first, second])))
    with pytest.raises(ValueError, match="already spent"):
        dp.calibrate_noise_multiplier(0.5, 1e-5, plan, 60, spent=[first])


def test_target_epsilon_training_ends_at_the_target():
    config = tg.DPConfig(target_epsilon=2.0, delta=1e-4, public_attributes=True)
    # what the CLI prints before training: a fresh ledger's plan for the same run
    planned = dp.PrivacyLedger(config).preview(40, 8, epochs=2)
    model = tg.DoppelGANger(declared_spec(), sample_len=2, **TINY_DP, dp=config)
    model.fit(toy_frame(n=40), epochs=2, batch_size=8, verbose=0)
    eps, delta = model.privacy_spent()
    assert delta == 1e-4
    assert 1.99 < eps <= 2.0
    report = model.privacy_report()
    assert report["noise_multiplier"] == pytest.approx(planned["noise_multiplier"], rel=1e-6)
    assert report["discriminator_steps"] == planned["discriminator_steps"]
    assert eps == pytest.approx(planned["epsilon"], rel=1e-9)


def test_default_delta():
    assert dp.default_delta(2182) == 1e-5
    assert dp.default_delta(999_999) == 1e-6
    assert dp.default_delta(1_000_000) == 1e-6
    assert dp.default_delta(1_000_001) == 1e-7


# ---------------------------------------------------------------------- the step ------
class Toy(keras.Model):
    """One dense layer; examples independent."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(3)

    def call(self, x):
        return self.dense(x)


def toy_loss(model):
    def loss(inputs):
        out = model(inputs)
        return tf.reduce_sum(out ** 2, axis=1), {"out": out[:, 0]}
    return loss


def test_per_example_gradients_are_each_examples_own():
    model = Toy()
    x = tf.random.normal([5, 4], seed=1)
    model(x)
    grads, loss, aux = dp.per_example_gradients(toy_loss(model), x, model.trainable_variables)
    for i in range(5):
        with tf.GradientTape() as tape:
            single = tf.reduce_sum(model(x[i:i + 1]) ** 2)
        for g, ref in zip(grads, tape.gradient(single, model.trainable_variables), strict=True):
            np.testing.assert_allclose(g[i], ref, rtol=1e-5, atol=1e-6)
    assert loss.shape == (5,)
    assert aux["out"].shape == (5,)


def test_clipping_bounds_every_per_example_gradient():
    model = Toy()
    x = tf.random.normal([16, 4], seed=2) * 1e4  # gradients of norm ~1e8
    model(x)
    variables = model.trainable_variables
    grads, _, _ = dp.per_example_gradients(toy_loss(model), x, variables)
    factors, norms = dp.clip_factors(grads, 0.7)
    assert float(tf.reduce_min(norms)) > 1e3

    def scaled(g):
        return g * tf.reshape(factors, [-1, 1] + [1] * (g.shape.rank - 2))

    clipped = tf.sqrt(tf.add_n([tf.reduce_sum(tf.reshape(scaled(g) ** 2, [16, -1]), 1)
                                for g in grads]))
    assert float(tf.reduce_max(clipped)) <= 0.7 * (1 + 1e-5)
    # the whole step without noise: one example in → its contribution has norm <= C
    rng = tf.random.Generator.from_seed(0)
    for i in range(16):
        mask = tf.one_hot(i, 16)
        out, _, _ = dp.dp_gradients(toy_loss(model), x, mask, variables, 0.7, 1e-12, 1.0, rng)
        norm = float(tf.sqrt(tf.add_n([tf.reduce_sum(g ** 2) for g in out])))
        assert norm == pytest.approx(0.7, rel=1e-4)
    # small gradients are not scaled up
    small = tf.random.normal([16, 4], seed=3) * 1e-4
    grads, _, _ = dp.per_example_gradients(toy_loss(model), small, variables)
    factors, norms = dp.clip_factors(grads, 0.7)
    np.testing.assert_array_equal(factors.numpy()[norms.numpy() < 0.7], 1.0)


def test_noise_has_standard_deviation_sigma_times_clip_over_batch():
    layer = keras.layers.Dense(300)
    layer.build((None, 200))
    variables = [layer.kernel]  # 60,000 coordinates

    def zero_loss(inputs):  # gradient exactly zero: the output is noise only
        return 0.0 * tf.reduce_sum(layer(inputs), axis=1), {}

    x = tf.ones([4, 200])
    rng = tf.random.Generator.from_seed(7)
    out, _, _ = dp.dp_gradients(zero_loss, x, tf.ones([4]), variables, l2_norm_clip=0.5,
                                noise_multiplier=2.0, expected_batch_size=4.0, generator=rng)
    values = out[0].numpy().ravel()
    expected = 2.0 * 0.5 / 4.0
    # relative standard error of a sample std over 60,000 draws is ~0.3%
    assert np.std(values) == pytest.approx(expected, rel=0.015)
    assert abs(np.mean(values)) < 5 * expected / np.sqrt(values.size)
    assert abs(stats.kurtosis(values)) < 0.1  # Gaussian, not uniform/Laplace
    # a fresh call draws fresh noise
    again, _, _ = dp.dp_gradients(zero_loss, x, tf.ones([4]), variables, 0.5, 2.0, 4.0, rng)
    assert not np.allclose(again[0].numpy(), out[0].numpy())


def test_an_empty_sample_still_adds_noise_and_keeps_shapes():
    model = Toy()
    x = tf.random.normal([6, 4], seed=4)
    model(x)
    variables = model.trainable_variables
    rng = tf.random.Generator.from_seed(5)

    @tf.function
    def step(x, mask):
        (rows,), mask = dp.included_rows([x], mask)
        out, _, _ = dp.dp_gradients(toy_loss(model), rows, mask, variables, 1.0, 1.0, 4.0, rng)
        return out, tf.shape(rows)[0]

    out, rows = step(x, tf.zeros([6]))
    assert int(rows) == 1  # one padding row with mask 0
    assert [tuple(g.shape) for g in out] == [tuple(v.shape) for v in variables]
    assert all(float(tf.math.reduce_std(g)) > 0 for g in out)  # pure noise
    out, rows = step(x, tf.constant([1.0, 0, 1, 0, 0, 0]))
    assert int(rows) == 2


# ---------------------------------------------------------------------- sampling ------
def test_poisson_inclusion_rate_is_q_and_batch_sizes_vary():
    n, batch, steps = 50, 10, 600
    plan = dp.poisson_plan(n, batch)
    arrays = {"i": np.arange(n, dtype=np.int64)}
    ds = dp.poisson_dataset(arrays, plan, rounds=2, steps=steps)
    counts = np.zeros(n)
    sizes = []
    for element in ds:
        assert element["i"].shape == (plan.max_batch, 2)
        idx, mask = element["i"].numpy(), element["mask"].numpy()
        for r in range(2):
            chosen = idx[:, r][mask[:, r] == 1]
            assert len(set(chosen)) == len(chosen)  # without replacement
            counts[chosen] += 1
            sizes.append(len(chosen))
    draws = steps * 2
    q = batch / n
    rate = counts / draws
    # each example: Binomial(1200, 0.2), sd 0.0115 → 5 sd
    assert np.all(np.abs(rate - q) < 5 * np.sqrt(q * (1 - q) / draws))
    assert counts.sum() / (n * draws) == pytest.approx(q, abs=0.01)
    # batch size is Binomial(n, q), not fixed
    assert np.var(sizes) == pytest.approx(n * q * (1 - q), rel=0.2)
    assert max(sizes) <= plan.max_batch


def test_poisson_samples_change_every_epoch():
    plan = dp.poisson_plan(40, 8)
    ds = dp.poisson_dataset({"i": np.arange(40)}, plan)
    first = [e["mask"].numpy().sum() for e in ds] + [e["i"].numpy()[:3].tolist() for e in ds]
    second = [e["mask"].numpy().sum() for e in ds] + [e["i"].numpy()[:3].tolist() for e in ds]
    assert first != second


def test_plan_pads_for_a_tiny_overflow_probability():
    plan = dp.poisson_plan(1642, 100)
    assert plan.overflow_probability <= dp.OVERFLOW_PER_STEP
    one_less = stats.binom.sf(plan.max_batch - 1, 1642, plan.sampling_probability)
    assert one_less > dp.OVERFLOW_PER_STEP
    assert dp.poisson_plan(1642, 100, multiple_of=4).max_batch % 4 == 0
    with pytest.raises(ValueError, match="larger than the 10 training sequences"):
        dp.poisson_plan(10, 20)


# ---------------------------------------------------------------------- the model -----
def test_dp_training_runs_and_saves_the_ledger(dp_trained, tmp_path):
    model, df, history = dp_trained
    assert set(history.history) >= {"d_loss", "g_loss", "wasserstein", "epsilon"}
    assert np.all(np.diff(history.history["epsilon"]) > 0)
    for values in history.history.values():
        assert np.all(np.isfinite(values))
    syn = model.generate(20, seed=0)
    assert syn["kind"].isin(["up", "down"]).all()
    assert syn["x"].between(-2, 2).all()
    report = model.privacy_report()
    assert report["schema"].startswith("declared")
    assert report["discriminator_steps"] == 36
    path = tmp_path / "dp.keras"
    model.save(path)
    again = keras.models.load_model(path)
    assert again.privacy_spent() == model.privacy_spent()
    again.fit(df, epochs=1, batch_size=10, verbose=0)
    # the ledger continues: 36 old + 12 new steps with the same q and σ
    assert again.privacy_spent().epsilon == pytest.approx(
        direct_epsilon(60, 10, 1.3, 48, 1e-5, "rdp"), rel=1e-9)


def test_schema_guard():
    df = toy_frame(n=30)
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("kind"), tg.Discrete("size", [1, 2, 3])],
                           [tg.Continuous("x"), tg.Discrete("c", ["a", "b"])], max_length=8)
    model = tg.DoppelGANger(spec, sample_len=2, dp=tg.DPConfig(noise_multiplier=2.0), **TINY)
    with pytest.raises(ValueError, match=r"not facts that the spec read off the data: "
                                         r"\['kind: categories', 'x: min/max'\]"):
        model.fit(df, epochs=1, batch_size=10, verbose=0)
    allowed = tg.DoppelGANger(spec, sample_len=2, **TINY, dp=tg.DPConfig(
        noise_multiplier=2.0, allow_data_derived_schema=True))
    allowed.fit(df, epochs=1, batch_size=10, verbose=0)
    assert allowed.privacy_report()["schema"] == (
        "NOT covered, fitted from the data: kind: categories, x: min/max")
    rep = tg.evaluation.report(df, allowed.generate(10, seed=0), allowed.spec,
                               privacy=allowed.privacy_report(), discriminative=False,
                               utility=False, figures=False)
    assert "NOT covered" in rep.to_html()
    assert "epsilon" in rep.to_json()


def test_dp_bad_input():
    with pytest.raises(ValueError, match="exactly one of noise_multiplier"):
        tg.DPConfig()
    with pytest.raises(ValueError, match="exactly one of noise_multiplier"):
        tg.DPConfig(noise_multiplier=1.0, target_epsilon=1.0)
    with pytest.raises(ValueError, match="σ = 0 gives no privacy"):
        tg.DPConfig(noise_multiplier=0)
    with pytest.raises(ValueError, match="l2_norm_clip must be a positive number"):
        tg.DPConfig(l2_norm_clip=-1, noise_multiplier=1)
    with pytest.raises(ValueError, match="delta must be in"):
        tg.DPConfig(noise_multiplier=1, delta=1.5)
    with pytest.raises(ValueError, match="accountant must be"):
        tg.DPConfig(noise_multiplier=1, accountant="moments")
    df = toy_frame(n=30)
    model = tg.DoppelGANger(declared_spec(), sample_len=2, **TINY,
                            dp={"noise_multiplier": 1.0})
    with pytest.raises(ValueError, match="must stay secret|drop seed="):
        model.make_dataset(df, batch_size=10, seed=3)
    plain = tf.data.Dataset.from_tensor_slices({"x": [1.0]}).batch(1)
    model.spec.fit(df)
    with pytest.raises(ValueError, match="not Poisson-sampled"):
        model.fit(plain, epochs=1)
    with pytest.raises(ValueError, match="trained without differential privacy"):
        tg.DoppelGANger(declared_spec(), **TINY).privacy_spent()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        with pytest.raises(ValueError, match="mixed_float16"):
            tg.DoppelGANger(declared_spec(), **TINY, dp={"noise_multiplier": 1.0}).compile()
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_epsilon_logger_is_first_so_history_sees_it(dp_trained):
    model, _, history = dp_trained
    assert isinstance(EpsilonLogger(), keras.callbacks.Callback)
    assert history.history["epsilon"][-1] == pytest.approx(model.privacy_spent().epsilon)


# DP-SGD under a MirroredStrategy: tests/test_doppelganger.py::test_mirrored_strategy_on_two_
# logical_cpus (one subprocess for the normal and the DP model)


def test_compute_epsilon_keeps_dropped_rdp_orders_out_of_the_log(caplog):
    """At large q and small σ the RDP accountant drops orders whose series do not converge
    and warns through absl, at compose time; every epoch's epsilon would print it."""
    with caplog.at_level("WARNING"):
        eps = dp.compute_epsilon([dp.Segment(400 / 1419, 1.0, 0.0, 10)], 1e-5)
    assert np.isfinite(eps)
    assert eps > 0
    assert not [r for r in caplog.records if r.name == "absl"], caplog.text[:500]


def test_resuming_a_release_from_a_backup_is_refused(tmp_path):
    """The noisy attribute histograms are released in fit and are not in a backup: resuming
    would release again uncounted, so it is refused; without a backup the run starts."""
    model = tg.DoppelGANger(declared_spec(), sample_len=2, seed=0,
                            dp=tg.DPConfig(noise_multiplier=1.3, l2_norm_clip=0.5), **TINY_DP)
    assert model.attribute_source == "released"
    model.compile()
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "training_metadata.json").write_text('{"epoch": 0}')
    with pytest.raises(ValueError, match="resume this private run .* release again"):
        model.fit(toy_frame(n=20), epochs=1, batch_size=10, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(str(backup))])
    (backup / "training_metadata.json").unlink()
    history = model.fit(toy_frame(n=20), epochs=1, batch_size=10, verbose=0,
                        callbacks=[keras.callbacks.BackupAndRestore(str(backup))])
    assert len(history.history["d_loss"]) == 1
