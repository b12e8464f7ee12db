"""Fitting a spec from chunks (a Parquet data set on disk, a CSV, an iterable of frames) in
one pass gives the same fitted spec as fitting it on the whole frame."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.frame_chunks import ChunkWriter


def write_dataset(df: pd.DataFrame, folder, rows_per_part: int) -> None:
    """``df`` as a folder of Parquet part files of about ``rows_per_part`` rows each, cut
    anywhere (an example may straddle two files)."""
    writer = ChunkWriter(folder)
    for start in range(0, len(df), rows_per_part):
        writer.next_file()
        writer.write(df.iloc[start:start + rows_per_part])
    writer.close()


def bank_without_total():
    """The bank transactions with an inter-arrival datetime time column and a Binned amount
    (a running total is fitted from one frame only, so it is left out here)."""
    full = tg.datasets.default_spec("bank_transactions")
    features = [tg.Binned("amount", n_bins=8) if c.name == "amount" else c
                for c in full.features if c.kind != "running_total"]
    spec = tg.SequenceSpec(full.example_id, full.time, full.attributes, features,
                           time_encoding="interarrival")
    frame = tg.datasets.bank_transactions()[[spec.example_id, spec.time] + spec.names]
    return spec, frame.sort_values([full.example_id, full.time], kind="stable")


CASES = {
    "traffic_weeks": lambda: (tg.datasets.default_spec("traffic_weeks"),
                              tg.datasets.traffic_weeks()),
    "wikipedia_traffic": lambda: (tg.datasets.default_spec("wikipedia_traffic"),
                                  tg.datasets.wikipedia_traffic()),
    "bank_interarrival_binned": bank_without_total,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_parquet_folder_fits_the_same_spec_as_the_frame(case, tmp_path):
    spec, df = CASES[case]()
    whole = tg.SequenceSpec.from_config(spec.get_config()).fit(df.reset_index(drop=True))
    write_dataset(df, tmp_path / "data", rows_per_part=len(df) // 3 + 7)
    chunked = tg.SequenceSpec.from_config(spec.get_config())
    chunked.fit(tmp_path / "data", chunk_rows=997)  # many chunks, examples cut across them
    assert chunked.get_config() == whole.get_config()
    assert chunked.n_examples_ == whole.n_examples_
    assert chunked.ignored_columns_ == whole.ignored_columns_
    # the chunked spec encodes the frame exactly as the frame's own spec does
    a, b = whole.transform(df.iloc[:2000]), chunked.transform(df.iloc[:2000])
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.derived_attributes, b.derived_attributes)


def test_iterable_and_csv_chunks(tmp_path):
    spec, df = CASES["traffic_weeks"]()
    whole = tg.SequenceSpec.from_config(spec.get_config()).fit(df)
    frames = (df.iloc[s:s + 5000] for s in range(0, len(df), 5000))
    from_frames = tg.SequenceSpec.from_config(spec.get_config()).fit(frames)
    assert from_frames.get_config() == whole.get_config()
    df.to_csv(tmp_path / "weeks.csv", index=False)
    from_csv = tg.SequenceSpec.from_config(spec.get_config()).fit(tmp_path / "weeks.csv",
                                                                    chunk_rows=20_000)
    text = pd.read_csv(tmp_path / "weeks.csv")
    assert from_csv.get_config() == tg.SequenceSpec.from_config(spec.get_config()).fit(
        text).get_config()


def test_scattered_examples_and_running_totals_are_refused(tmp_path):
    spec, df = CASES["traffic_weeks"]()
    first, second = df.iloc[:300], df.iloc[300:600]
    scattered = [first.iloc[:100], second, first.iloc[100:]]  # window 0 comes back
    with pytest.raises(ValueError, match="rows of example window=0 are not together"):
        tg.SequenceSpec.from_config(spec.get_config()).fit(scattered)
    bank = tg.datasets.bank_transactions()
    bank_spec = tg.datasets.default_spec("bank_transactions")
    ids = bank[bank_spec.example_id].unique()
    halves = [bank[bank[bank_spec.example_id].isin(ids[:5])],
              bank[bank[bank_spec.example_id].isin(ids[5:10])]]
    with pytest.raises(ValueError, match="a spec with a RunningTotal is fitted from one frame"):
        bank_spec.fit(halves)
    with pytest.raises(ValueError, match="holds no .parquet files"):
        bank_spec.fit(tmp_path)
    with pytest.raises(ValueError, match="or an iterable of DataFrames; got ndarray"):
        bank_spec.fit(np.zeros((3, 3)))
