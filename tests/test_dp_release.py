"""Private release beyond DP-SGD: the unit of privacy, the attribute table released once
(public attributes as they are, noisy histograms of the others), the one-shot embedding
mechanism, and epsilon of the composed mechanisms against dp-accounting directly."""

import json
import os
import sys

import dp_accounting
import keras
import numpy as np
import pytest

import tfgan_ts as tg
from tfgan_ts.models.attribute_table import released_table
from tfgan_ts.privacy_unit import unit_codes, unit_weights

sys.path.insert(0, os.path.dirname(__file__))
from test_doppelganger import TINY, toy_frame  # noqa: E402
from test_dp import declared_spec  # noqa: E402


def person_frame(n=40):
    """The toy sequences, two per person (column ``person``)."""
    df = toy_frame(n=n)
    df["person"] = df["id"] // 2
    return df


@pytest.fixture(scope="module")
def embedded():
    """An embedding-mechanism model on 20 persons × 2 sequences, attributes private."""
    model = tg.DoppelGANger(declared_spec(), sample_len=2, seed=0, weights_seed=0, **TINY,
                            dp=tg.DPConfig(target_epsilon=3.0, mechanism="embedding",
                                           unit="person", embedding_features=64))
    model.compile()
    history = model.fit(person_frame(), epochs=3, batch_size=40, verbose=0)
    return model, history


def test_epsilon_of_histogram_and_embedding_equals_direct_dp_accounting(embedded):
    model, _ = embedded
    facts = model.privacy_report()
    sigma_h = facts["noise multiplier of attribute histogram"]
    sigma_e = facts["noise multiplier of embedding"]
    # "auto" picks PLD for the embedding, on a 1e-3 grid for one-shot releases
    acc = dp_accounting.pld.PLDAccountant(value_discretization_interval=1e-3)
    acc.compose(dp_accounting.GaussianDpEvent(sigma_h))
    acc.compose(dp_accounting.GaussianDpEvent(sigma_e))
    direct = acc.get_epsilon(1e-5)
    eps, delta = model.privacy_spent()
    assert delta == 1e-5
    assert eps == pytest.approx(direct, rel=1e-6)
    assert 2.97 < eps <= 3.0 + 1e-6  # calibrated to the target
    # the histogram gets attribute_share (0.1) of 1/σ² of a single release at the target
    whole = dp_accounting.calibrate_dp_mechanism(
        lambda: dp_accounting.pld.PLDAccountant(value_discretization_interval=1e-3),
        dp_accounting.GaussianDpEvent, 3.0, 1e-5,
        dp_accounting.ExplicitBracketInterval(0.5, 5.0), tol=1e-5)
    assert sigma_h == pytest.approx(whole / np.sqrt(0.1), rel=1e-3)
    assert facts["unit"] == "one value of column 'person' (all of its sequences)"
    assert facts["mechanism"] == "embedding"
    assert facts["public, NOT covered"] == "nothing"
    # the ledger counts units: 20 persons
    assert model.ledger.n == 20


def test_embedding_training_moves_towards_the_release():
    # little noise (σ 0.05), so that the distance is mostly the generator's
    model = tg.DoppelGANger(declared_spec(), sample_len=2, seed=0, weights_seed=0, **TINY,
                            dp=tg.DPConfig(noise_multiplier=0.05, mechanism="embedding",
                                           public_attributes=True, embedding_features=64))
    model.compile(generator_optimizer=keras.optimizers.Adam(1e-2))
    df = toy_frame(n=40)

    def distance():  # of 400 generated sequences' mean embedding to the release
        x = model.generate_arrays(400, seed=5)
        mean = model._embedding_sum(x.attributes, x.derived_attributes, x.features,
                                    x.gen_flags).numpy() / 400
        return float(np.sum((mean - model.embedding_target.numpy()) ** 2))

    model.fit(df, epochs=1, batch_size=40, verbose=0)  # the release, one step
    before = distance()
    history = model.fit(df, epochs=60, batch_size=40, verbose=0)  # same release, no cost
    after = distance()
    assert after < 0.75 * before, (before, after)  # about 0.6 seen
    assert len(history.history["embedding_distance"]) == 60


def test_embedding_model_generates_saves_and_reloads(embedded, tmp_path):
    model, _ = embedded
    assert not model.has_attr_d  # no attribute critic with released attributes
    synthetic = model.generate(30, seed=1)
    assert synthetic["id"].nunique() == 30
    assert synthetic["x"].between(-2, 2).all()
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.embedding_target.numpy(),
                                  model.embedding_target.numpy())
    assert loaded.privacy_spent() == model.privacy_spent()
    again = loaded.generate(30, seed=1)
    np.testing.assert_allclose(again["x"], synthetic["x"], rtol=1e-5, atol=1e-6)
    # a second fit trains against the same release: no further privacy spent
    loaded.compile()
    loaded.fit(person_frame(), epochs=1, batch_size=40, verbose=0)
    assert loaded.privacy_spent().epsilon == pytest.approx(model.privacy_spent().epsilon)


def test_a_unit_moves_the_embedding_sum_by_at_most_one(embedded):
    model, _ = embedded
    x = model.spec.transform(person_frame())
    one = model._embedding_sum(x.attributes, x.derived_attributes, x.features, x.gen_flags,
                               np.ones(len(x), np.float32))
    # every sequence's term has norm exactly 1 ...
    single = [np.linalg.norm(model._embedding_sum(
        x.attributes[i:i + 1], x.derived_attributes[i:i + 1], x.features[i:i + 1],
        x.gen_flags[i:i + 1]).numpy()) for i in range(4)]
    np.testing.assert_allclose(single, 1.0, rtol=1e-5)
    # ... and a unit of two sequences, weighted 1/2 each, adds at most 1
    codes = unit_codes(person_frame(), "id", "person", x.example_ids)
    w = unit_weights(codes).astype(np.float32)
    assert set(np.round(w, 6)) == {0.5}
    pair = model._embedding_sum(x.attributes[:2], x.derived_attributes[:2], x.features[:2],
                                x.gen_flags[:2], w[:2]).numpy()
    assert np.linalg.norm(pair) <= 1.0 + 1e-6
    assert one.shape == (2 * 64, model.attribute_dim)


def test_unit_column_bad_input():
    spec = declared_spec()
    df = person_frame()
    model = tg.DoppelGANger(spec, sample_len=2, **TINY,
                            dp=tg.DPConfig(noise_multiplier=1.0, unit="household"))
    with pytest.raises(ValueError, match="privacy unit column 'household' is not in the"):
        model.fit(df, epochs=1, batch_size=10, verbose=0)
    varying = df.copy()
    varying.loc[varying.index[1], "person"] = 99  # changes inside sequence 0
    model = tg.DoppelGANger(spec, sample_len=2, **TINY,
                            dp=tg.DPConfig(noise_multiplier=1.0, unit="person"))
    with pytest.raises(ValueError, match="'person' is not constant within a sequence: "
                                         "sequence 0"):
        model.fit(varying, epochs=1, batch_size=10, verbose=0)
    # DP-SGD samples sequences: two per person are refused, with the way out named
    with pytest.raises(ValueError, match="holds up to 2 sequences.*mechanism='embedding'"):
        model.fit(df, epochs=1, batch_size=10, verbose=0)
    with pytest.raises(ValueError, match="reads the unit column from the training DataFrame"):
        model.fit(model.spec.transform(df), epochs=1, batch_size=10, verbose=0)


def test_dp_config_bad_input():
    for kwargs, message in [
        (dict(mechanism="merf"), "mechanism must be one of"),
        (dict(unit=3), "unit must be a column name"),
        (dict(public_attributes=[1]), "public_attributes must be attribute names"),
        (dict(attribute_share=1.0), "attribute_share must be in"),
        (dict(embedding_features=0), "embedding_features must be a positive integer"),
    ]:
        with pytest.raises(ValueError, match=message):
            tg.DPConfig(noise_multiplier=1.0, **kwargs)
    with pytest.raises(ValueError, match=r"public_attributes names \['colour'\]"):
        tg.DPConfig(noise_multiplier=1.0, public_attributes=["colour"]).public(declared_spec())
    with pytest.raises(ValueError, match="needs every attribute Discrete"):
        tg.DoppelGANger(tg.SequenceSpec("id", "t", [tg.Continuous("w", bounds=(0, 1))],
                                        [tg.Continuous("x", bounds=(-2, 2))], max_length=8),
                        dp=tg.DPConfig(noise_multiplier=1.0, mechanism="embedding"))
    assert tg.DPConfig(noise_multiplier=1.0).accountant == "rdp"
    assert tg.DPConfig(noise_multiplier=1.0, mechanism="embedding").accountant == "pld"


def test_released_table_public_exact_and_private_noisy():
    spec = declared_spec().fit(toy_frame(n=60))
    x = spec.transform(toy_frame(n=60))
    weights = np.ones(len(x))
    rng = np.random.default_rng(0)
    # every attribute public: the exact joint of the data
    table = released_table(spec, x.attributes, weights, ["kind", "size"], None, rng)
    rows, counts = np.unique(x.attributes, axis=0, return_counts=True)
    order = np.lexsort(table.rows.T[::-1])
    np.testing.assert_array_equal(table.rows[order], rows)
    np.testing.assert_allclose(table.counts[order], counts)
    # 'size' private with (almost) no noise: its marginal times the public joint of 'kind'
    table = released_table(spec, x.attributes, weights, ["kind"], 1e-9, rng)
    size = x.attributes[:, 2:5]
    drawn = table.sample(200_000, seed=1)
    np.testing.assert_allclose(drawn[:, 2:5].mean(0), size.mean(0), atol=0.01)
    np.testing.assert_allclose(drawn[:, :2].mean(0), x.attributes[:, :2].mean(0), atol=0.01)
    # large noise on the histogram: the released shares move away from the data's
    noisy = released_table(spec, x.attributes, weights, [], 50.0, np.random.default_rng(3))
    shares = noisy.sample(200_000, seed=1)[:, :2].mean(0)
    assert np.abs(shares - x.attributes[:, :2].mean(0)).max() > 0.02


def test_cli_plans_the_same_releases_as_the_model(embedded, capsys):
    from tfgan_ts.cli import main

    model, _ = embedded
    assert main(["privacy", "--mechanism", "embedding", "--n", "20", "--target-epsilon", "3",
                 "--attribute-histograms", "--json"]) == 0
    planned = json.loads(capsys.readouterr().out)
    facts = model.privacy_report()
    assert planned["histogram_noise_multiplier"] == pytest.approx(
        facts["noise multiplier of attribute histogram"], rel=1e-9)
    assert planned["embedding_noise_multiplier"] == pytest.approx(
        facts["noise multiplier of embedding"], rel=1e-9)
    assert planned["epsilon"] == pytest.approx(model.privacy_spent().epsilon, rel=1e-9)
    assert main(["privacy", "--n", "20", "--target-epsilon", "3"]) == 2
    assert "--epochs is needed to plan a dp-sgd run" in capsys.readouterr().err
