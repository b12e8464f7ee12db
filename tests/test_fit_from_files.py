"""Training from files a chunk at a time: the spec, the attribute table and, without
shuffling, the trained weights are those of training on the frame in memory."""

import numpy as np
import pytest

import tfgan_ts as tg
from tests.test_doppelganger import TINY, toy_frame, toy_spec
from tests.test_spec_chunks import write_dataset


def trained(data, **fit_args):
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, weights_seed=0, **TINY)
    model.compile()
    if isinstance(data, tuple):  # (folder, chunk_rows): a dataset read in small chunks
        data = model.make_dataset(data[0], batch_size=8, shuffle=False, chunk_rows=data[1])
        model.fit(data, epochs=2, verbose=0, **fit_args)
    else:
        model.fit(data, epochs=2, batch_size=8, shuffle=False, verbose=0, **fit_args)
    return model


def test_training_from_a_parquet_folder_equals_training_in_memory(tmp_path):
    df = toy_frame(n=30)
    write_dataset(df, tmp_path / "data", rows_per_part=40)  # examples cut across files
    in_memory = trained(df)
    from_files = trained((tmp_path / "data", 23))
    assert from_files.spec.get_config() == in_memory.spec.get_config()
    assert from_files.attribute_table.get_config() == in_memory.attribute_table.get_config()
    # 30 sequences, batches of 8 in file order: the same 3 batches per epoch
    assert int(from_files.generator_optimizer.iterations.numpy()) == 6
    for a, b in zip(in_memory.weights, from_files.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_fit_takes_a_path_and_shuffles_within_a_buffer(tmp_path):
    df = toy_frame(n=30)
    write_dataset(df, tmp_path / "data", rows_per_part=50)
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, **TINY)
    model.compile()
    history = model.fit(tmp_path / "data", epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["g_loss"]).all()
    assert model.spec.n_examples_ == 30
    assert model.generate(4, seed=0)["id"].nunique() == 4


def test_private_training_from_files_is_refused(tmp_path):
    write_dataset(toy_frame(n=12), tmp_path / "data", rows_per_part=50)
    model = tg.DoppelGANger(toy_spec(), sample_len=2, critic_filters=0,
                            dp=tg.DPConfig(noise_multiplier=1.0, l2_norm_clip=1.0),
                            **{k: v for k, v in TINY.items() if k != "critic_filters"})
    model.compile()
    with pytest.raises(ValueError, match="needs the data in memory"):
        model.fit(tmp_path / "data", epochs=1, batch_size=4, verbose=0)
