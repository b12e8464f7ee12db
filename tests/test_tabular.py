"""TabularSpec (mode-specific normalization) and TabularGAN: encoding round trips, the
training-by-sampling stream, conditional generation, save/load and bad input."""

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import tfgan_ts as tg
from tfgan_ts.tabular_spec import ModeNormalizer

TINY = dict(noise_dim=8, generator_units=(32,), discriminator_units=(32,), pac=2)


def table(n=200, seed=0):
    """Two factor levels with well separated responses, an int count, a bool, a category."""
    rng = np.random.default_rng(seed)
    factor = np.where(rng.random(n) < 0.8, "A", "B")
    response = np.where(factor == "A", rng.normal(0.0, 1.0, n), rng.normal(10.0, 1.0, n))
    return pd.DataFrame({
        "factor": factor,
        "response": response,
        "count": rng.integers(0, 50, n).astype(np.int64),
        "flag": rng.random(n) < 0.3,
        "batch": pd.Categorical(rng.choice(["x", "y", "z"], n), categories=["z", "y", "x"],
                                ordered=True),
    })


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    df = table()
    model = tg.TabularGAN(conditions=["factor"], seed=0, **TINY)
    model.compile(generator_optimizer=keras.optimizers.Adam(2e-3, 0.5, 0.9),
                  discriminator_optimizer=keras.optimizers.Adam(2e-3, 0.5, 0.9))
    history = model.fit(df, epochs=4, batch_size=40, steps_per_epoch=100, verbose=0)
    return df, model, history


# ---------------------------------------------------------------------- spec -----------
def test_mode_normalizer_finds_two_modes_and_decodes_its_encoding():
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(-5, 0.5, 300), rng.normal(20, 2.0, 300)]
    norm = ModeNormalizer(max_modes=10).fit(x, seed=0)
    assert norm.n_modes == 2
    assert sorted(round(m) for m in norm.means_) == [-5, 20]
    enc = norm.encode(x, np.random.default_rng(0))
    assert enc.shape == (600, 3)
    np.testing.assert_array_equal(enc[:, 1:].sum(axis=1), 1.0)
    # each value's mode is the one it came from
    assert (enc[:300, 1:].argmax(1) == np.argmin(norm.means_)).all()
    assert (np.abs(enc[:, 0]) <= 0.99).all()
    np.testing.assert_allclose(norm.decode(enc), x, rtol=1e-5, atol=1e-4)


def test_spec_round_trip_keeps_values_dtypes_and_order():
    df = table()
    spec = tg.TabularSpec(discrete=["factor"]).fit(df)
    x = spec.transform(df)
    assert x.shape == (len(df), spec.dim)
    assert x.dtype == np.float32
    back = spec.inverse_transform(x)
    assert list(back.columns) == list(df.columns)
    assert back.dtypes.to_dict() == df.dtypes.to_dict()
    np.testing.assert_allclose(back["response"], df["response"], rtol=1e-5, atol=1e-4)
    for col in ("factor", "count", "flag", "batch"):
        assert back[col].equals(df[col]), col
    assert back["batch"].cat.ordered
    assert list(back["batch"].cat.categories) == ["z", "y", "x"]


def test_spec_config_is_json_and_reproduces_the_encoding():
    import json

    df = table()
    spec = tg.TabularSpec(columns=[tg.Discrete("factor"), tg.Continuous("response"),
                                   tg.Continuous("count", bounds=(0, 100))])
    with pytest.warns(UserWarning, match=r"columns \['flag', 'batch'\] are not in the spec"):
        spec.fit(df)
    again = tg.TabularSpec.from_config(json.loads(json.dumps(spec.get_config())))
    np.testing.assert_array_equal(again.transform(df, seed=3), spec.transform(df, seed=3))
    assert spec.ignored_columns_ == ["flag", "batch"]
    # declared bounds are the clip range of generated values
    wide = np.zeros((1, spec.dim), np.float32)
    wide[0, spec.slices()["count"].start] = 0.99
    wide[0, spec.slices()["count"].start + 1] = 1.0
    assert 0 <= again.inverse_transform(wide)["count"].iloc[0] <= 100


def test_min_max_scaling_without_mode_specific_normalization():
    df = table()[["response", "count"]]
    spec = tg.TabularSpec(mode_specific=False).fit(df)
    x = spec.transform(df)
    assert spec.dim == 2
    assert x.min() == -1.0
    assert x.max() == 1.0
    np.testing.assert_allclose(spec.inverse_transform(x)["response"], df["response"],
                               rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(("change", "match"), [
    (lambda d: d.assign(response=d.response.where(d.index % 7 != 0)),
     r"column 'response': 29 missing value\(s\)"),
    (lambda d: d.assign(response=d.response.where(d.index != 3, np.inf)),
     r"column 'response': 1 infinite"),
    (lambda d: d.assign(when=pd.Timestamp("2020-01-01")), r"column 'when' holds datetime64"),
    (lambda d: d.rename(columns={"count": 5}), r"column names must be strings"),
    (lambda d: d.iloc[:0], r"no rows"),
])
def test_spec_bad_input(change, match):
    with pytest.raises(ValueError, match=match):
        tg.TabularSpec().fit(change(table()))


def test_spec_bad_declarations():
    with pytest.raises(ValueError, match=r"discrete=\['nope'\]"):
        tg.TabularSpec(discrete=["nope"]).fit(table())
    with pytest.raises(ValueError, match="declared more than once"):
        tg.TabularSpec(columns=[tg.Continuous("a"), tg.Discrete("a")])
    with pytest.raises(ValueError, match=r"column 'response' is listed in discrete="):
        tg.TabularSpec(columns=[tg.Continuous("response")], discrete=["response"]).fit(table())
    spec = tg.TabularSpec().fit(table())
    with pytest.raises(ValueError, match=r"lacks columns \['count'\]"):
        spec.transform(table().drop(columns="count"))


# ---------------------------------------------------------------------- sampling -------
def test_training_by_sampling_draws_categories_by_log_frequency():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"c": ["rare"] * 5 + ["common"] * 195, "x": rng.normal(size=200)})
    model = tg.TabularGAN(conditions=["c"], seed=0, **TINY)
    ds = model.make_dataset(df, batch_size=100)
    real, cond = [], []
    for batch in ds.take(60):
        real.append(batch["real"].numpy())
        cond.append(batch["cond"].numpy())
    real, cond = np.concatenate(real), np.concatenate(cond)
    rare = model.spec.column("c").categories_.index("rare")
    block = real[:, model.spec.slices()["c"]]
    # every real row carries the category of its condition
    np.testing.assert_array_equal(block, cond)
    p = np.log(6) / (np.log(6) + np.log(196))
    share = cond[:, rare].mean()
    se = np.sqrt(p * (1 - p) / len(cond))
    assert abs(share - p) < 5 * se, (share, p)
    assert share > 8 * (5 / 200)  # far above the rare category's share of rows


def test_packs_share_one_condition_unless_asked_otherwise():
    df = table()
    for same in (True, False):
        model = tg.TabularGAN(conditions=["factor", "batch"], same_condition_packs=same,
                              seed=0, **{**TINY, "pac": 5})
        ds = model.make_dataset(df, batch_size=100)
        cond = np.concatenate([b["cond"].numpy() for b in ds.take(20)])
        g_cond = np.concatenate([b["g_cond"].numpy() for b in ds.take(20)])
        for c in (cond, g_cond):
            packs = c.reshape(-1, 5, c.shape[1])
            uniform = (packs == packs[:, :1]).all(axis=(1, 2))
            if same:
                assert uniform.all()
            else:
                assert uniform.mean() < 0.2  # 5 independent draws rarely coincide


def test_dataset_differs_between_epochs_and_is_seeded():
    df = table()
    a = tg.TabularGAN(conditions=["factor"], seed=1, **TINY).make_dataset(df, batch_size=20)
    b = tg.TabularGAN(conditions=["factor"], seed=1, **TINY).make_dataset(df, batch_size=20)
    first = [x["real"].numpy() for x in a.take(2)]
    np.testing.assert_array_equal(first[0], next(iter(b))["real"].numpy())
    assert not np.array_equal(first[0], first[1])


# ---------------------------------------------------------------------- model ----------
def test_fit_generate_dtypes_and_learns_the_conditional_shift(trained):
    df, model, history = trained
    assert set(history.history) == {"d_loss", "g_loss", "gp", "wasserstein", "condition_loss"}
    assert all(np.isfinite(v).all() for v in history.history.values())
    syn = model.generate(400, seed=0)
    assert list(syn.columns) == list(df.columns)
    assert syn.dtypes.to_dict() == df.dtypes.to_dict()
    assert syn.index.equals(pd.RangeIndex(400))
    assert syn["response"].between(df.response.min(), df.response.max()).all()
    a = model.generate(200, conditions={"factor": "A"}, seed=1)
    b = model.generate(200, conditions={"factor": "B"}, seed=1)
    assert (a.factor == "A").all()
    assert (b.factor == "B").all()
    assert len(a) == len(b) == 200
    # real: response ~ N(0, 1) under A and N(10, 1) under B
    assert b.response.mean() - a.response.mean() > 5, (a.response.mean(), b.response.mean())


def test_generation_is_reproducible_and_survives_save_and_load(trained, tmp_path):
    _, model, _ = trained
    one = model.generate(50, conditions={"factor": "B"}, seed=7)
    pd.testing.assert_frame_equal(one, model.generate(50, conditions={"factor": "B"}, seed=7))
    assert not one.equals(model.generate(50, conditions={"factor": "B"}, seed=8))
    path = tmp_path / "tab.keras"
    model.save(path)
    again = keras.models.load_model(path)
    assert isinstance(again, tg.TabularGAN)
    pd.testing.assert_frame_equal(again.generate(50, conditions={"factor": "B"}, seed=7), one)


@pytest.fixture(scope="module")
def two_conditions():
    model = tg.TabularGAN(conditions=["factor", "batch"], seed=0, **TINY)
    model.fit(table(), epochs=1, batch_size=20, verbose=0)
    return model


def test_several_conditions_are_all_met(two_conditions):
    free = two_conditions.generate(300, seed=0)
    # without conditions other combinations come out, so the check below can fail
    assert ((free.factor != "B") | (free.batch != "x")).any()
    rows = two_conditions.generate(20, conditions={"factor": "B", "batch": "x"}, seed=0)
    assert len(rows) == 20
    assert (rows.factor == "B").all()
    assert (rows.batch == "x").all()


def test_rejection_sampling_limit_is_reported(two_conditions):
    with pytest.raises(ValueError, match=r"only \d+ of 5000 rows matched after 100 draws"):
        two_conditions.generate(5000, conditions={"factor": "B", "batch": "x"}, seed=0,
                                batch_size=100, max_draws=100)


def test_generate_and_fit_bad_input(trained):
    df, model, _ = trained
    with pytest.raises(ValueError, match=r"condition factor='C': no such category.*\['A', 'B'\]"):
        model.generate(5, conditions={"factor": "C"})
    with pytest.raises(ValueError, match=r"cannot condition on 'nope'"):
        model.generate(5, conditions={"nope": 1})
    # "flag" is discrete but not a condition column: refused with the fix
    with pytest.raises(ValueError, match=r"list it in TabularGAN\(conditions"):
        model.generate(10, conditions={"factor": "A", "flag": True})
    for n in (0, -3, 2.5):
        with pytest.raises(ValueError, match="n must be an integer >= 1"):
            model.generate(n)
    with pytest.raises(ValueError, match="must be a multiple of pac=2"):
        tg.TabularGAN(**TINY).fit(df, batch_size=21)
    with pytest.raises(ValueError, match=r"condition column 'response' is Continuous"):
        tg.TabularGAN(tg.TabularSpec(), conditions=["response"], **TINY).fit(df)
    with pytest.raises(ValueError, match="not trained yet"):
        tg.TabularGAN(**TINY).generate(5)


def test_unconditional_model_without_discrete_columns():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=60), "b": rng.exponential(size=60)})
    model = tg.TabularGAN(seed=0, **TINY)
    model.fit(df, epochs=2, batch_size=20, verbose=0)
    assert model.condition_columns == []
    assert model.cond_dim == 0
    out = model.generate(25, seed=0)
    assert out.shape == (25, 2)
    assert np.isfinite(out.to_numpy()).all()
    with pytest.raises(ValueError, match=r"cannot condition on 'a'"):
        model.generate(5, conditions={"a": 1.0})


def test_generator_and_critic_shapes():
    gen = tg.nn.TabularGenerator(7, units=(16, 8))
    out = gen([tf.zeros([4, 3]), tf.zeros([4, 2])], training=False)
    assert out.shape == (4, 7)
    critic = tg.nn.TabularDiscriminator(units=(16,))
    assert critic(tf.zeros([2, 18])).shape == (2, 1)


def test_mixed_precision_trains_and_generates():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = tg.TabularGAN(conditions=["factor"], seed=0, **TINY)
        history = model.fit(table(), epochs=2, batch_size=20, verbose=0)
        rows = model.generate(30, conditions={"factor": "B"}, seed=0)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert np.isfinite(history.history["d_loss"]).all()
    assert (rows.factor == "B").all()
    assert rows.response.notna().all()


def test_mirrored_strategy_trains_and_refuses_float16():
    """Two replicas on two logical CPUs: trains, conditions hold; mixed_float16 with
    several replicas is refused (it gave NaN losses)."""
    from test_doppelganger import run_on_two_cpus

    stdout = run_on_two_cpus("""
        import keras
        from test_tabular import TINY, table
        with strategy.scope():
            model = tg.TabularGAN(conditions=["factor"], seed=0, **TINY)
        history = model.fit(table(), epochs=2, batch_size=20, verbose=0)
        assert model.distribute_strategy.num_replicas_in_sync == 2
        assert np.isfinite(history.history["d_loss"]).all()
        rows = model.generate(30, conditions={"factor": "B"}, seed=0)
        assert (rows.factor == "B").all() and rows.response.notna().all()
        keras.mixed_precision.set_global_policy("mixed_float16")
        with strategy.scope():
            model = tg.TabularGAN(conditions=["factor"], seed=0, **TINY)
        try:
            model.fit(table(), epochs=1, batch_size=20, verbose=0)
        except ValueError as err:
            print("refused:", err)
        print("ok", len(rows))
    """)
    assert "ok 30" in stdout
    assert "refused: TabularGAN under mixed_float16 with several replicas" in stdout


def test_spec_rounds_to_the_recorded_decimals():
    df = pd.DataFrame({"bmi": np.round(np.random.default_rng(0).normal(25, 4, 300), 1),
                       "raw": np.random.default_rng(1).normal(size=300)})
    spec = tg.TabularSpec().fit(df)
    assert spec.decimals_ == {"bmi": 1}  # "raw" has full float precision: left as is
    back = spec.inverse_transform(spec.transform(df) + 1e-4)
    assert np.allclose(back["bmi"], np.round(back["bmi"], 1), rtol=0, atol=1e-12)
    again = tg.TabularSpec.from_config(spec.get_config())
    assert again.decimals_ == {"bmi": 1}


@pytest.fixture(scope="module")
def copula_prior_model():
    df = table(n=300, seed=3)
    model = tg.TabularGAN(conditions=["factor"], prior="copula", seed=0, weights_seed=0,
                          **TINY)
    model.compile(learning_rate=1e-3)
    model.fit(df, epochs=1, batch_size=40, steps_per_epoch=5, verbose=0)
    return df, model


def test_an_untrained_copula_prior_model_draws_the_copulas_rows():
    """The correction head starts at zero: before training the generator is the copula."""
    from scipy import stats

    df = table(n=300, seed=3)
    model = tg.TabularGAN(conditions=["factor"], prior="copula", seed=0, weights_seed=0,
                          **TINY)
    model.compile()
    model.make_dataset(df, batch_size=40)
    model.build()
    rows = model.generate(3000, conditions={"factor": "B"}, seed=1)
    copula = tg.GaussianCopula(conditions=["factor"], seed=0).fit(df)
    ref = copula.generate(3000, conditions={"factor": "B"}, seed=2)
    assert (rows["factor"] == "B").all()
    for name in ("response", "count"):
        assert stats.ks_2samp(rows[name], ref[name]).statistic < 0.05, name
    # empirical marginals: the copula and so the untrained model give recorded values only
    assert set(rows["count"]) <= set(df["count"])


def test_copula_prior_model_saves_and_generates_the_same_rows(copula_prior_model, tmp_path):
    df, model = copula_prior_model
    before = model.generate(50, conditions={"factor": "A"}, seed=4)
    path = tmp_path / "prior.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    pd.testing.assert_frame_equal(loaded.generate(50, conditions={"factor": "A"}, seed=4),
                                  before)
    assert loaded.get_config()["prior"] == "copula"


def test_prior_weight_holds_the_generator_near_its_prior():
    """With a large prior_weight the correction stays small; without it training drifts."""
    df = table(n=300, seed=3)
    drift = {}
    for weight in (0.0, 100.0):
        model = tg.TabularGAN(conditions=["factor"], prior="copula", prior_weight=weight,
                              seed=0, weights_seed=0, **TINY)
        model.compile(learning_rate=2e-3)
        model.fit(df, epochs=1, batch_size=40, steps_per_epoch=150, verbose=0)
        prior = model.generator.get_layer("logits")
        drift[weight] = float(np.abs(prior.kernel.numpy()).mean())
    assert drift[100.0] < 0.5 * drift[0.0], drift


def test_a_custom_prior_is_used_but_not_saved():
    df = table(n=120, seed=5)

    class Shifted:
        """The copula's rows moved by +100 on the response: the model must start there."""
        def __init__(self):
            self.copula = tg.GaussianCopula(conditions=["factor"]).fit(df)

        def generate(self, n, conditions=None, seed=None):
            rows = self.copula.generate(n, conditions=conditions, seed=seed)
            return rows.assign(response=np.clip(rows["response"] + 100, None,
                                                df["response"].max()))

    model = tg.TabularGAN(conditions=["factor"], prior=Shifted(), seed=0, weights_seed=0,
                          **TINY)
    model.compile()
    model.make_dataset(df, batch_size=40)
    model.build()
    rows = model.generate(200, conditions={"factor": "A"}, seed=0)
    assert np.isclose(rows["response"], df["response"].max(), rtol=1e-5).mean() > 0.95
    assert model.get_config()["prior"] == "custom"
    with pytest.raises(ValueError, match="custom prior"):
        tg.TabularGAN.from_config(model.get_config())
    with pytest.raises(ValueError, match="prior must be"):
        tg.TabularGAN(prior="smote")
