"""`tfgan-ts impute`: fills the gaps of a CSV, keeps observed values and other columns."""

import numpy as np
import pandas as pd

import tfgan_ts as tg
from tfgan_ts.cli import main


def test_impute_fills_gaps_and_keeps_the_rest(tmp_path, capsys):
    t = np.arange(80)
    true = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=80, freq="h"),
                         "x": np.sin(t / 6), "y": np.cos(t / 6) + 5})
    holed = tg.masking.mcar(true, 0.2, seed=1)
    holed["site"] = "A"
    src = tmp_path / "in.csv"
    holed.iloc[::-1].to_csv(src, index=False)  # rows out of time order: --time sorts
    out = tmp_path / "filled.csv"
    code = main(["impute", "--data", str(src), "--out", str(out), "--time", "when",
                 "--generator", "auto", "--window", "6", "--max-steps", "4", "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "kept generator" in printed
    assert "RMSE on held-out observed entries" in printed
    assert "passed through untouched" in printed
    assert "'site'" in printed
    back = pd.read_csv(out)
    given = pd.read_csv(src)
    assert not back[["x", "y"]].isna().any().any()
    observed = given[["x", "y"]].notna().to_numpy()
    np.testing.assert_array_equal(back[["x", "y"]].to_numpy()[observed],
                                  given[["x", "y"]].to_numpy()[observed])
    assert (back["site"] == "A").all()
    assert list(back["when"]) == list(given["when"])


def test_impute_bad_input(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"x": [1.0, np.nan, 3.0]}).to_csv(src, index=False)
    assert main(["impute", "--data", str(src), "--window", "10", "--max-steps", "1"]) == 2
    assert "window=10 is longer than the series (3 rows)" in capsys.readouterr().err
    assert main(["impute", "--data", str(src), "--time", "t"]) == 2
    assert "--time 't' is not a column" in capsys.readouterr().err
    assert main(["impute"]) == 2
    assert "--data FILE is required" in capsys.readouterr().err


def test_impute_returns_at_once_when_nothing_is_missing(tmp_path, capsys):
    src = tmp_path / "full.csv"
    pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0]}).to_csv(src, index=False)
    out = tmp_path / "filled.csv"
    assert main(["impute", "--data", str(src), "--out", str(out)]) == 0
    assert "nothing is missing" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(src))
