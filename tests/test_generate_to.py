"""Generation in chunks and straight to disk: the same rows and dtypes as ``generate`` for
the same seed, ids counting on across chunks, part files, conditional generation read from a
file, and clear errors for outputs that would mix or lose data."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tests.test_doppelganger import TINY, toy_frame, toy_spec


def dated_frame(n=30, seed=0):
    """Variable-length hourly sequences with a datetime grid, a category-dtype attribute,
    a Binned attribute (decoding draws within bins: the random part of decoding) and a text
    feature."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        length = int(rng.integers(3, 9))
        for t in range(length):
            rows.append({"id": 100 + i, "t": pd.Timestamp("2024-01-01") + pd.Timedelta(hours=t),
                         "kind": ["up", "down"][i % 2], "load": float(rng.gamma(2.0, 3.0)),
                         "x": float(np.sin(t) + rng.normal(0, .1)), "c": ["a", "b"][t % 2]})
    df = pd.DataFrame(rows)
    df["kind"] = df["kind"].astype("category")
    df["load"] = df.groupby("id")["load"].transform("first")
    return df


@pytest.fixture(scope="module")
def binned_model():
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("kind"), tg.Binned("load", n_bins=4)],
                           [tg.Continuous("x"), tg.Discrete("c")], max_length=8)
    model = tg.DoppelGANger(spec, sample_len=2, seed=0, weights_seed=0, **TINY)
    model.compile()
    model.fit(dated_frame(), epochs=1, batch_size=10, verbose=0)
    return model


@pytest.fixture(scope="module")
def empirical_model():
    model = tg.DoppelGANger(toy_spec(), sample_len=2, seed=0, weights_seed=0, **TINY)
    model.compile()
    model.fit(toy_frame(), epochs=1, batch_size=8, verbose=0)
    assert model.attribute_source == "empirical"
    return model


@pytest.mark.parametrize("name", ["binned_model", "empirical_model"])
def test_folder_equals_generate(name, request, tmp_path):
    model = request.getfixturevalue(name)
    expected = model.generate(23, seed=5, batch_size=4)
    out = tmp_path / "synthetic"
    written = model.generate_to(out, 23, seed=5, batch_size=4, sequences_per_file=8,
                                verbose=0)
    # 6 batches of 4 (the last of 3), two batches per part file
    assert [p.rsplit("/", 1)[-1] for p in written.files] == [
        "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert written.sequences == 23
    assert written.rows == len(expected)
    back = pd.read_parquet(out)
    pd.testing.assert_frame_equal(back, expected)
    assert list(back[model.spec.example_id].unique()) == list(range(23))


def test_chunks_concatenate_to_generate(binned_model):
    chunks = list(binned_model.generate_chunks(10, seed=3, batch_size=4))
    assert [c["id"].nunique() for c in chunks] == [4, 4, 2]
    assert chunks[1]["id"].iloc[0] == 4
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True),
                                  binned_model.generate(10, seed=3, batch_size=4))


def test_single_parquet_and_csv_files(binned_model, tmp_path):
    expected = binned_model.generate(9, seed=1, batch_size=4)
    one = binned_model.generate_to(tmp_path / "one.parquet", 9, seed=1, batch_size=4,
                                   verbose=0)
    assert one.files == [str(tmp_path / "one.parquet")]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one.parquet"), expected)
    binned_model.generate_to(tmp_path / "rows.csv", 9, seed=1, batch_size=4, verbose=0)
    text = pd.read_csv(tmp_path / "rows.csv", parse_dates=["t"])
    assert len(text) == len(expected)
    assert (text["id"].to_numpy() == expected["id"].to_numpy()).all()
    np.testing.assert_allclose(text["x"], expected["x"], rtol=1e-6)


def test_conditional_from_parquet_file(empirical_model, tmp_path):
    wanted = pd.DataFrame({"kind": ["down", "up", "down", "down", "up"],
                           "size": [3, 1, 2, 3, 3]})
    wanted.to_parquet(tmp_path / "wanted.parquet", index=False)
    expected = empirical_model.generate(attributes=wanted, seed=2, batch_size=2)
    firsts = expected.groupby("id", sort=True)[["kind", "size"]].first().reset_index(drop=True)
    pd.testing.assert_frame_equal(firsts, wanted, check_dtype=False)
    empirical_model.generate_to(tmp_path / "cond", attributes=tmp_path / "wanted.parquet",
                                seed=2, batch_size=2, verbose=0)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "cond"), expected)
    with pytest.raises(ValueError, match="n=4 but 5 attribute rows"):
        empirical_model.generate_to(tmp_path / "bad", 4, attributes=tmp_path / "wanted.parquet",
                                    verbose=0)


def test_bad_outputs_are_refused(binned_model, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "part-00000.parquet").write_text("old")
    with pytest.raises(ValueError, match="exists and is not empty"):
        binned_model.generate_to(tmp_path / "full", 3, verbose=0)
    assert (tmp_path / "full" / "part-00000.parquet").read_text() == "old"
    with pytest.raises(ValueError, match=r"use a \.csv \(optionally \.csv\.gz\) or \.parquet "
                       r"file, or a folder"):
        binned_model.generate_to(tmp_path / "out.json", 3, verbose=0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        binned_model.generate_to(tmp_path / "new", 0, verbose=0)
    assert not (tmp_path / "new").exists()
