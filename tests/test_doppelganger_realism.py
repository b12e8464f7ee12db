"""DoppelGANger's realism options (issue 22): attributes drawn from the data, averaged
generator weights, the convolutional decoder and the critic's local branch."""

import keras
import numpy as np
import pytest
from test_doppelganger import TINY, toy_frame, toy_spec

import tfgan_ts as tg


def fitted(**options):
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, weights_seed=0,
                            **{**TINY, **options})
    model.compile()
    model.fit(toy_frame(), epochs=2, batch_size=8, verbose=0)
    return model


def test_empirical_attributes_come_from_the_data_with_their_frequencies(tmp_path):
    model = fitted(attribute_source="empirical")
    assert model.attribute_generator is None
    real = toy_frame().groupby("id")[["kind", "size"]].first()
    synthetic = model.generate(600, seed=3).groupby("id")[["kind", "size"]].first()
    combos = set(map(tuple, real.to_numpy().tolist()))
    assert set(map(tuple, synthetic.to_numpy().tolist())) <= combos
    share = (synthetic["kind"] == "up").mean()
    assert abs(share - (real["kind"] == "up").mean()) < 0.07  # 600 draws of p = 0.5
    path = tmp_path / "m.keras"
    model.save(path)
    again = keras.models.load_model(path).generate(20, seed=3)
    np.testing.assert_array_equal(again["x"].to_numpy(), model.generate(20, seed=3)["x"])


def test_empirical_attributes_are_refused_where_they_would_copy_or_leak():
    with pytest.raises(ValueError, match="differential privacy"):
        tg.DoppelGANger(toy_spec(), attribute_source="empirical",
                        dp=tg.DPConfig(noise_multiplier=1.0))
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("kind"), tg.Continuous("size")],
                           [tg.Continuous("x")], max_length=8)
    with pytest.raises(ValueError, match="'size'"):
        tg.DoppelGANger(spec, attribute_source="empirical")
    with pytest.raises(ValueError, match="attribute_source"):
        tg.DoppelGANger(toy_spec(), attribute_source="copy")
    assert tg.DoppelGANger(toy_spec()).attribute_source == "empirical"
    assert tg.DoppelGANger(spec).attribute_source == "generator"  # continuous attribute
    dp = tg.DPConfig(noise_multiplier=1.0)
    # under DP, discrete attributes come from a table released once (issue 17)
    assert tg.DoppelGANger(toy_spec(), dp=dp).attribute_source == "released"


def test_fit_leaves_the_generator_with_its_averaged_weights():
    model = fitted(generator_average=0.9)
    averages = model._generator_averages
    assert float(averages[-1].numpy()) == 2 * 3  # 2 epochs of 3 batches
    for avg, var in zip(averages[:-1], model.generator_variables, strict=True):
        np.testing.assert_array_equal(avg.numpy(), var.numpy())
    plain = fitted(generator_average=0)
    assert not hasattr(plain, "_generator_averages")
    moved = [not np.allclose(a.numpy(), b.numpy())
             for a, b in zip(model.generator_variables, plain.generator_variables, strict=True)]
    assert any(moved)  # same seeds: only the averaging differs
    with pytest.raises(ValueError, match="generator_average"):
        tg.DoppelGANger(toy_spec(), generator_average=1.0)
    with pytest.raises(ValueError, match="use_ema"):
        plain.compile(generator_optimizer=keras.optimizers.Adam(use_ema=True))


def test_convolutional_decoder_and_local_critic_train_and_round_trip(tmp_path):
    model = fitted(decoder_filters=4, critic_filters=4)
    assert len(model.feature_generator.decoder) == 2
    assert len(model.discriminator.conv) == 2
    assert not model.attribute_discriminator.conv
    out = model.generate(5, seed=1)
    path = tmp_path / "m.keras"
    model.save(path)
    np.testing.assert_array_equal(keras.models.load_model(path).generate(5, seed=1)["x"],
                                  out["x"])
